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
  request: LogSourceLookup,
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

/** What a lookup asks for: the account's source of that name; `adopt` takes over one this product did not create. */
interface LogSourceLookup {
  accountId: string;
  logSourceName: string;
  /** An onboarding that may adopt a hand-made source of the expected name (logSource.adoptExisting, or the run's `adopt`). */
  adopt?: boolean | undefined;
}

/**
 * The account's log source by name alone (the secret's record aside), or null; NOT_OWNED for
 * another's, unless the lookup may adopt it: then it comes back like one of ours, and the edit
 * that follows puts this product's key and ownership marker on it (keeping its filter date).
 */
export async function findOwnedLogSourceByName(
  director: DirectorClient,
  request: LogSourceLookup,
  /** A write may have happened since Director last refreshed its lists: refresh them first. */
  options: { afterWrite?: boolean } = {},
): Promise<OwnedLogSource | null> {
  const byName = await director.findLogSourceByName(request.logSourceName, options);
  if (byName === null) return null;
  if (!isOwnedLogSource(byName, request.accountId) && request.adopt !== true) {
    throw new OnboardingError(
      ErrorCode.NOT_OWNED,
      `Director already has a log source named "${request.logSourceName}" (${byName.id ?? 'no id'}) that this product did not create ` +
        `for account ${request.accountId}; it is left untouched. Rename it, choose another logSourceName, or let the product adopt it: ` +
        'set logSource.adoptExisting to true, or start this onboarding with "adopt": true (its filter date is kept; its key is replaced).',
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
