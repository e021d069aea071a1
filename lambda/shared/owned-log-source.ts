import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ErrorCode } from '../contract/error-codes.js';
import { TagKey } from '../contract/names.js';
import { DirectorNotFoundError, type DirectorClient, type LogSourceRecord } from '../director/index.js';
import { describeAccountSecret, type AccountSecretDescription } from './account-secret.js';
import { OnboardingError } from './errors.js';
import { isOwnedLogSource } from './log-source-body.js';

/** A log source as Director reads it back, with the id it is known by. */
export type OwnedLogSource = LogSourceRecord & { id: string };

/** The Connector section of a log source read back from Director (its fields untyped: Director's, not ours). */
export interface RecordedConnector {
  access_key?: unknown;
  bucket_name?: unknown;
  region_name?: unknown;
  filter_date?: unknown;
}

export function connectorOf(source: LogSourceRecord): RecordedConnector {
  const connector = (source.config as { Connector?: unknown } | undefined)?.Connector;
  return typeof connector === 'object' && connector !== null ? connector : {};
}

/**
 * The log source this product created for the account, or null when there is none. Looks first
 * at the id recorded on the account secret (it survives a renamed pattern), then by name. A source
 * that exists but carries no ownership marker for this account fails with NOT_OWNED.
 */
export async function findOwnedLogSource(
  clients: { director: DirectorClient; secretsManager: SecretsManagerClient },
  request: { accountId: string; logSourceName: string },
  /** What this invocation already read of the account secret; described again when omitted. */
  known?: AccountSecretDescription | null,
  options: { afterWrite?: boolean } = {},
): Promise<OwnedLogSource | null> {
  const { director } = clients;
  const secret = known === undefined ? await describeAccountSecret(clients.secretsManager, request.accountId) : known;
  const recordedId = secret?.owned ? secret.tags[TagKey.logSourceId] : undefined;
  if (recordedId) {
    const recorded = await getIfPresent(director, recordedId);
    if (recorded && isOwnedLogSource(recorded, request.accountId)) return withId(recorded, recordedId);
  }
  return findOwnedLogSourceByName(director, request, options);
}

/** The account's log source by name alone (the secret's record aside), or null; NOT_OWNED for another's. */
export async function findOwnedLogSourceByName(
  director: DirectorClient,
  request: { accountId: string; logSourceName: string },
  /** A write may have happened since Director last refreshed its lists: refresh them first. */
  options: { afterWrite?: boolean } = {},
): Promise<OwnedLogSource | null> {
  const byName = await director.findLogSourceByName(request.logSourceName, options);
  if (byName === null) return null;
  if (!isOwnedLogSource(byName, request.accountId)) {
    throw new OnboardingError(
      ErrorCode.NOT_OWNED,
      `Director already has a log source named "${request.logSourceName}" (${byName.id ?? 'no id'}) that this product did not create ` +
        `for account ${request.accountId}; it is left untouched. Rename it or choose another logSourceName.`,
      { details: { logSourceName: request.logSourceName, logSourceId: byName.id ?? null } },
    );
  }
  if (!byName.id) {
    throw new OnboardingError(ErrorCode.DIRECTOR_BAD_RESPONSE, `Director lists log source "${request.logSourceName}" without an id.`);
  }
  return withId(byName, byName.id);
}

async function getIfPresent(director: DirectorClient, id: string): Promise<LogSourceRecord | null> {
  try {
    return await director.getLogSource(id);
  } catch (error) {
    if (error instanceof DirectorNotFoundError) return null;
    throw error;
  }
}

function withId(record: LogSourceRecord, fallbackId: string): OwnedLogSource {
  return { ...record, id: record.id ?? fallbackId };
}
