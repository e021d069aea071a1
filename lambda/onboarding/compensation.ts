import type { IAMClient } from '@aws-sdk/client-iam';
import { collectionSubjectSchema } from '../contract/collection.js';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ErrorCode } from '../contract/error-codes.js';
import { accountSecretName, readerUserName, TagKey } from '../contract/names.js';
import { deleteAccountSecret, describeAccountSecret, readAccessKeyId, type AccountSecretDescription } from '../shared/account-secret.js';
import { restorePreviousAccessKey } from '../shared/account-secret-versions.js';
import { caughtError } from '../shared/caught-error.js';
import { directorKeyRecordOf, type DirectorKeyRecord } from '../shared/director-key-record.js';
import { deleteReaderAccessKey, deleteUserIfKeyless, getReaderUser, isOwnedReaderUser, listReaderAccessKeyIds } from '../shared/reader-user.js';
import type { Failure, WorkflowState } from './workflow-contract.js';
import { rawAccountIdOf } from '../shared/records.js';

/**
 * Compensation after any failure, worked out from durable state — the reader user's keys, the
 * account secret's versions and its record of what Director holds (director-key-record.ts) — not
 * from how far the state object got: a step that crashed after doing its work leaves no trace
 * there. What it leaves is a complete onboarding, the previous working one, or nothing:
 *
 * - a key Director may hold is never deleted: the key it was confirmed to hold, a key sent in a
 *   write whose outcome is unknown, the key of a rotation in progress, this run's key once its
 *   order succeeded;
 * - every other key of the reader is deleted (a crash may have left one that nothing references);
 * - the secret is rolled back to the previous key when that is the one Director holds, and
 *   deleted with the user when Director holds none of the account's keys.
 *
 * When a kept key was sent in a write whose outcome is unknown, the failure's code becomes
 * DIRECTOR_OUTCOME_UNKNOWN: the next run reuses that key and settles what Director holds.
 */
export async function compensateOnboarding(clients: { iam: IAMClient; secretsManager: SecretsManagerClient }, state: WorkflowState): Promise<Failure> {
  const { code, message } = caughtError(state.error);
  const accountId = state.request?.accountId ?? rawAccountIdOf(state);
  const report = {
    accountId,
    logSourceName: state.request?.logSourceName ?? null,
    orderRequestId: state.registration?.requestId ?? null,
  };
  // Another run holds the account: whatever is there is that run's to finish or undo.
  // A subject that is no account id (nor the organization's) names nothing this product could have created.
  if (accountId === null || !collectionSubjectSchema.safeParse(accountId).success || code === ErrorCode.ACCOUNT_BUSY) {
    return { code, message, ...report, cleanup: emptyCleanup() };
  }
  const facts = await readAccountFacts(clients, accountId);
  const keep = keysDirectorMayHold(facts, state, code);
  const cleanup = await removeTheRest(clients, facts, keep);
  const thisRunKey = state.reader?.accessKeyId ?? facts.currentKeyId;
  // Once this run's order succeeded, its write is settled: Director holds the key, nothing is unknown.
  const unknownWrite = keep.inFlightKeyId !== null && keep.inFlightKeyId === thisRunKey && !orderSucceeded(state);
  if (!unknownWrite) return { code, message, ...report, cleanup };
  return {
    code: ErrorCode.DIRECTOR_OUTCOME_UNKNOWN,
    message:
      `[${code}] ${message} — Director may be using access key ${keep.inFlightKeyId} (its write's outcome is unknown), so it was kept; ` +
      're-run the onboarding: it reuses that key and settles what Director holds.',
    ...report,
    cleanup,
  };
}

interface CleanupSummary {
  /** Access keys deleted by this call. */
  deletedAccessKeys: string[];
  /** The user was deleted by this call, or was already gone. */
  deletedUser: boolean;
  /** The secret was deleted by this call, or was already gone. */
  deletedSecret: boolean;
  /** What was left in place, each with the reason. */
  kept: string[];
}

/** What the account holds now, read from IAM and Secrets Manager. Ids only, never a secret value. */
interface AccountFacts {
  accountId: string;
  userName: string;
  userExists: boolean;
  /** The reader user exists and carries this product's path and tags for the account. */
  ownedUser: boolean;
  liveKeyIds: string[];
  secret: AccountSecretDescription | null;
  ownedSecret: boolean;
  currentKeyId: string | null;
  previousKeyId: string | null;
  pendingKeyId: string | null;
  record: DirectorKeyRecord;
}

async function readAccountFacts(clients: { iam: IAMClient; secretsManager: SecretsManagerClient }, accountId: string): Promise<AccountFacts> {
  const { iam, secretsManager } = clients;
  const userName = readerUserName(accountId);
  const user = await getReaderUser(iam, userName);
  const ownedUser = user !== null && (await isOwnedReaderUser(iam, user, accountId));
  const secret = await describeAccountSecret(secretsManager, accountId);
  const ownedSecret = secret !== null && secret.owned && !secret.scheduledForDeletion;
  const keyIn = async (versionId: string | null): Promise<string | null> =>
    ownedSecret && versionId !== null ? readAccessKeyId(secretsManager, accountId, { versionId }) : null;
  return {
    accountId,
    userName,
    userExists: user !== null,
    ownedUser,
    liveKeyIds: ownedUser ? await listReaderAccessKeyIds(iam, userName) : [],
    secret,
    ownedSecret,
    currentKeyId: await keyIn(secret?.currentVersionId ?? null),
    previousKeyId: await keyIn(secret?.previousVersionId ?? null),
    pendingKeyId: secret?.pendingVersionId === secret?.currentVersionId ? null : await keyIn(secret?.pendingVersionId ?? null),
    record: ownedSecret && secret ? directorKeyRecordOf(secret.tags) : { confirmedKeyId: null, inFlight: null },
  };
}

interface KeysToKeep {
  /** Each live key that must stay, with the reason. */
  reasons: Map<string, string>;
  /** The kept key of a write whose outcome is unknown, if any. */
  inFlightKeyId: string | null;
  /** Nothing tells which key Director holds, though it has the account's source: nothing is deleted. */
  keepAll: boolean;
}

function keysDirectorMayHold(facts: AccountFacts, state: WorkflowState, code: string): KeysToKeep {
  const { record } = facts;
  const live = new Set(facts.liveKeyIds);
  const reasons = new Map<string, string>();
  const keep = (keyId: string | null | undefined, why: string): void => {
    if (keyId && live.has(keyId) && !reasons.has(keyId)) reasons.set(keyId, why);
  };
  keep(record.confirmedKeyId, 'Director was confirmed to hold it');
  if (orderSucceeded(state)) keep(state.reader?.accessKeyId, "this run's Director order succeeded: Director holds it");
  keep(facts.pendingKeyId, 'a key rotation in progress holds it as AWSPENDING');
  // The write a failed order belonged to took nothing; any other unresolved write may have.
  const failedOrderWasTheWrite = code === ErrorCode.DIRECTOR_ORDER_FAILED && state.registration?.submittedAt === record.inFlight?.sentAt;
  // Director keeps names unique: while a source made some other way holds the name, no create of ours took.
  const createBlockedByName = code === ErrorCode.NOT_OWNED && record.inFlight?.operation === 'CREATE';
  let inFlightKeyId: string | null = null;
  if (record.inFlight && !failedOrderWasTheWrite && !createBlockedByName && live.has(record.inFlight.accessKeyId)) {
    inFlightKeyId = record.inFlight.accessKeyId;
    keep(inFlightKeyId, `a Director ${record.inFlight.operation.toLowerCase()} sent with it at ${record.inFlight.sentAt} has an unknown outcome`);
  }
  // Onboarded, but the recorded key is missing or gone (a recording failed): Director holds one of the keys, unknown which.
  const confirmedIsLive = record.confirmedKeyId !== null && live.has(record.confirmedKeyId);
  const keepAll = !confirmedIsLive && facts.secret?.tags[TagKey.logSourceId] !== undefined;
  return { reasons, inFlightKeyId, keepAll };
}

async function removeTheRest(
  clients: { iam: IAMClient; secretsManager: SecretsManagerClient },
  facts: AccountFacts,
  keep: KeysToKeep,
): Promise<CleanupSummary> {
  const { iam, secretsManager } = clients;
  const { accountId, userName } = facts;
  const secretName = accountSecretName(accountId);
  const summary: CleanupSummary = {
    ...emptyCleanup(),
    deletedUser: !facts.userExists,
    deletedSecret: facts.secret === null || facts.secret.scheduledForDeletion,
  };
  if (facts.secret !== null && !facts.secret.owned) summary.kept.push(`secret ${secretName}: not tagged as this product's; left untouched`);
  if (!facts.ownedUser) {
    if (facts.userExists) summary.kept.push(`user ${userName}: not this product's reader; left untouched`);
    return summary;
  }
  if (keep.keepAll) {
    summary.kept.push(`every key of ${userName}: Director has the account's log source but which key it holds was never recorded`);
    return summary;
  }
  for (const [keyId, why] of keep.reasons) summary.kept.push(`access key ${keyId}: ${why}`);
  for (const keyId of facts.liveKeyIds.filter((id) => !keep.reasons.has(id))) {
    await deleteReaderAccessKey(iam, userName, keyId);
    summary.deletedAccessKeys.push(keyId);
  }

  if (facts.ownedSecret && facts.currentKeyId !== null && !keep.reasons.has(facts.currentKeyId)) {
    if (facts.previousKeyId !== null && keep.reasons.has(facts.previousKeyId)) {
      const previous = facts.previousKeyId;
      const outcome = await restorePreviousAccessKey(secretsManager, accountId, facts.currentKeyId, (candidate) => Promise.resolve(candidate === previous));
      summary.kept.push(
        outcome.restored
          ? `secret ${secretName}: rolled back to access key ${outcome.accessKeyId}`
          : `secret ${secretName}: not rolled back (${outcome.reason})`,
      );
    } else if (keep.reasons.size === 0) {
      summary.deletedSecret = (await deleteAccountSecret(secretsManager, accountId)) !== 'not-owned';
    } else {
      summary.kept.push(`secret ${secretName}: holds a deleted key, but neither of its versions holds a key Director may use`);
    }
  } else if (facts.ownedSecret && facts.currentKeyId === null && keep.reasons.size === 0) {
    summary.deletedSecret = (await deleteAccountSecret(secretsManager, accountId)) !== 'not-owned';
  }
  if (keep.reasons.size === 0) summary.deletedUser = await deleteUserIfKeyless(iam, userName);
  else summary.kept.push(`user ${userName}: it holds a key Director may use`);
  return summary;
}

function orderSucceeded(state: WorkflowState): boolean {
  return state.order !== undefined && 'status' in state.order && state.order.status === 'SUCCEEDED';
}

function emptyCleanup(): CleanupSummary {
  return { deletedAccessKeys: [], deletedUser: false, deletedSecret: false, kept: [] };
}
