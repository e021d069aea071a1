import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { TagKey } from '../contract/names.js';
import type { AccountSecretDescription } from './account-secret.js';
import { tagAccountSecret } from './account-secret-tags.js';

/**
 * What the account secret records about the keys Director holds or may hold. It lives on the
 * secret's tags, not in the workflow's state, so that it survives a crashed step: compensation and
 * the next run read it to know which keys must not be deleted and whether a create was sent.
 *
 * - `logpoint:director-key`: the access key id Director was last confirmed to hold (an order that
 *   carried it succeeded). Written by FinalizeOnboarding and by key rotation.
 * - `logpoint:director-write`: `<CREATE|EDIT> <accessKeyId> <ISO instant>`, written just BEFORE a
 *   write carrying that key is sent, and emptied once its outcome is known.
 */

type DirectorWriteOperation = 'CREATE' | 'EDIT';

export interface DirectorWrite {
  operation: DirectorWriteOperation;
  accessKeyId: string;
  /** When the write was (about to be) sent. */
  sentAt: string;
}

export interface DirectorKeyRecord {
  confirmedKeyId: string | null;
  /** A write whose outcome is not known yet: Director may hold its key. */
  inFlight: DirectorWrite | null;
}

const WRITE_VALUE = /^(CREATE|EDIT) (\S+) (\S+)$/;

/** The record as the secret's tags hold it; anything malformed counts as absent. */
export function directorKeyRecordOf(tags: Record<string, string>): DirectorKeyRecord {
  const confirmed = tags[TagKey.directorKey]?.trim();
  const write = WRITE_VALUE.exec(tags[TagKey.directorWrite] ?? '');
  const sentAt = write?.[3];
  const inFlight =
    write && sentAt !== undefined && !Number.isNaN(Date.parse(sentAt))
      ? { operation: write[1] as DirectorWriteOperation, accessKeyId: write[2] ?? '', sentAt }
      : null;
  return { confirmedKeyId: confirmed ? confirmed : null, inFlight };
}

/** Records, before it is sent, a write that hands `write.accessKeyId` to Director. */
export async function recordDirectorWrite(
  sm: SecretsManagerClient,
  accountId: string,
  write: DirectorWrite,
  known: AccountSecretDescription | null,
): Promise<void> {
  await tagAccountSecret(sm, accountId, { directorWrite: `${write.operation} ${write.accessKeyId} ${write.sentAt}` }, known);
}

/** The write's outcome is known (refused, or its order failed): it hands no key to Director. */
export async function clearDirectorWrite(sm: SecretsManagerClient, accountId: string, known: AccountSecretDescription | null): Promise<void> {
  await tagAccountSecret(sm, accountId, { directorWrite: '' }, known);
}
