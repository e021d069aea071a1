import type { IAMClient } from '@aws-sdk/client-iam';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ErrorCode } from '../contract/error-codes.js';
import { OWNER_MARKER, readerUserName } from '../contract/names.js';
import type { DirectorClient, LogSourceRecord } from '../director/index.js';
import { describeAccountSecret, secretNotOwned } from '../shared/account-secret.js';
import { OnboardingError } from '../shared/errors.js';
import { isOwnedLogSource } from '../shared/log-source-body.js';
import { findOwnedLogSource } from '../shared/owned-log-source.js';
import { assertOwnedReaderUser, getReaderUser } from '../shared/reader-user.js';
import type { OffboardingInventory, OffboardingRequest } from './workflow-contract.js';

export interface InventoryClients {
  iam: IAMClient;
  secretsManager: SecretsManagerClient;
  director: DirectorClient;
}

/**
 * What of the account exists, read-only. Anything that carries the account's name but not this
 * product's ownership markers (the reader user, the secret, a log source of the expected name)
 * fails with NOT_OWNED naming it, before anything has been deleted.
 */
export async function takeInventory(clients: InventoryClients, request: OffboardingRequest): Promise<OffboardingInventory> {
  const { iam, secretsManager, director } = clients;
  const { accountId } = request;

  const user = await getReaderUser(iam, readerUserName(accountId));
  if (user !== null) await assertOwnedReaderUser(iam, user, accountId);

  const secret = await describeAccountSecret(secretsManager, accountId);
  if (secret !== null && !secret.owned) throw secretNotOwned(secret.secretName, accountId);

  const logSource = (await findOwnedLogSource({ director, secretsManager }, request)) ?? (await findOwnedByMarker(director, accountId));
  return {
    logSourceName: logSource?.name ?? request.logSourceName,
    logSourceFound: logSource !== null,
    logSourceId: logSource?.id ?? null,
    readerUser: user === null ? 'absent' : 'present',
    secret: secret === null ? 'absent' : secret.scheduledForDeletion ? 'scheduled-for-deletion' : 'present',
  };
}

/**
 * A log source marked as this product's for the account under another name (the name pattern
 * changed since onboarding, and the id was never recorded): it still holds the reader key.
 */
async function findOwnedByMarker(director: DirectorClient, accountId: string): Promise<(LogSourceRecord & { id: string; name: string }) | null> {
  const owned = (await director.listLogSources()).filter((record) => isOwnedLogSource(record, accountId));
  if (owned.length > 1) {
    throw new OnboardingError(
      ErrorCode.DIRECTOR_BAD_RESPONSE,
      `Director lists ${owned.length} log sources marked as ${OWNER_MARKER}'s for account ${accountId} ` +
        `(${owned.map((record) => `"${record.name}" ${record.id ?? 'no id'}`).join(', ')}); this product creates one. ` +
        'Delete the extra ones by hand, then re-run the offboarding.',
      { details: { accountId, logSourceIds: owned.map((record) => record.id ?? null) } },
    );
  }
  const [match] = owned;
  if (match === undefined) return null;
  if (!match.id) throw new OnboardingError(ErrorCode.DIRECTOR_BAD_RESPONSE, `Director lists log source "${match.name}" without an id.`);
  return { ...match, id: match.id, name: match.name };
}
