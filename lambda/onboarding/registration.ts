import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { BucketFacts, OnboardingRequest, ReaderIdentity, Registration } from './workflow-contract.js';
import { describeAccountSecret, readAccessKey } from '../shared/account-secret.js';
import { DirectorNotFoundError, type DirectorClient, type LogSourceRecord } from '../director/index.js';
import { OnboardingError } from '../shared/errors.js';
import { buildLogSourceBody, isOwnedLogSource, resolveFilterDate } from '../shared/log-source-body.js';
import type { LogSourceDefaults } from '../contract/settings.js';
import { ErrorCode } from '../contract/error-codes.js';
import { TagKey } from '../contract/names.js';

export interface RegistrationContext {
  director: DirectorClient;
  secretsManager: SecretsManagerClient;
  logSource: LogSourceDefaults;
  now: () => Date;
}

export interface RegistrationInput {
  request: OnboardingRequest;
  bucket: BucketFacts;
  reader: ReaderIdentity;
}

/**
 * Registers the account's log source in Director: `POST` when there is none, `PUT` of the seed's
 * edit body when this product already created one for the account (found by the id recorded on
 * the account secret, else by name). A source of that name that is not ours is never touched.
 * The key travels from the secret straight into the request body; only ids come back.
 */
export async function registerLogSource(context: RegistrationContext, input: RegistrationInput): Promise<Registration> {
  const { director, secretsManager } = context;
  const { request, bucket, reader } = input;

  const key = await readAccessKey(secretsManager, request.accountId);
  if (key.accessKeyId !== reader.accessKeyId) {
    throw new OnboardingError(
      ErrorCode.SECRET_INVALID,
      `Secret ${reader.secretName} now holds access key ${key.accessKeyId}, not ${reader.accessKeyId} that this run created; ` +
        'another onboarding of the account is probably running. Let it finish, then run again.',
      { details: { secretName: reader.secretName, expected: reader.accessKeyId, found: key.accessKeyId } },
    );
  }

  const existing = await findOwnedLogSource(context, request);
  const enrichmentPolicyId =
    context.logSource.enrichmentPolicy === undefined ? undefined : await director.resolveEnrichmentPolicyId(context.logSource.enrichmentPolicy);
  const body = buildLogSourceBody(
    context.logSource,
    {
      accountId: request.accountId,
      bucketName: bucket.bucketName,
      bucketRegion: bucket.bucketRegion,
      accessKeyId: key.accessKeyId,
      secretAccessKey: key.secretAccessKey,
      filterDate: filterDateFor(context, request, existing),
    },
    {
      name: request.logSourceName,
      ...(existing ? { id: existing.id } : {}),
      ...(enrichmentPolicyId === undefined ? {} : { enrichmentPolicyId }),
    },
  );

  const order = existing ? await director.editLogSource(existing.id, body) : await director.createLogSource(body);
  return {
    operation: existing ? 'EDIT' : 'CREATE',
    logSourceName: request.logSourceName,
    logSourceId: existing?.id ?? null,
    orderPath: order.orderPath,
    requestId: order.requestId,
  };
}

/**
 * The log source this product created for the account, or null when there is none. Looks first
 * at the id recorded on the account secret (it survives a renamed pattern), then by name. A source
 * that exists but carries no ownership marker for this account fails with NOT_OWNED.
 */
export async function findOwnedLogSource(
  context: Pick<RegistrationContext, 'director' | 'secretsManager'>,
  request: Pick<OnboardingRequest, 'accountId' | 'logSourceName'>,
): Promise<(LogSourceRecord & { id: string }) | null> {
  const { director } = context;
  const secret = await describeAccountSecret(context.secretsManager, request.accountId);
  const recordedId = secret?.owned ? secret.tags[TagKey.logSourceId] : undefined;
  if (recordedId) {
    const recorded = await getIfPresent(director, recordedId);
    if (recorded && isOwnedLogSource(recorded, request.accountId)) return withId(recorded, recordedId);
  }
  const byName = await director.findLogSourceByName(request.logSourceName);
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

function withId(record: LogSourceRecord, fallbackId: string): LogSourceRecord & { id: string } {
  return { ...record, id: record.id ?? fallbackId };
}

/** An edit keeps the date the source already fetches from; a create uses the input or the policy. */
function filterDateFor(context: RegistrationContext, request: OnboardingRequest, existing: LogSourceRecord | null): string {
  if (request.filterDate) return new Date(request.filterDate).toISOString();
  const current = (existing?.config as { Connector?: { filter_date?: unknown } } | undefined)?.Connector?.filter_date;
  if (typeof current === 'string' && !Number.isNaN(Date.parse(current))) return current;
  return resolveFilterDate(context.logSource.filterDate, context.now());
}
