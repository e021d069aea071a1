import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { TagKey } from '../contract/names.js';
import type { AccountSecretDescription } from './account-secret.js';
import { tagAccountSecret } from './account-secret-tags.js';
import type { FetchBaseline } from './fetch-signals.js';

/**
 * What the account secret records about the keys Director holds or may hold. It lives on the
 * secret's tags, not in the workflow's state, so that it survives a crashed step: compensation and
 * the next run read it to know which keys must not be deleted and whether a create was sent.
 *
 * - `logpoint:director-key`: the access key id Director was last confirmed to hold (an order that
 *   carried it succeeded). Written by FinalizeOnboarding and by key rotation.
 * - `logpoint:director-write`: `<CREATE|EDIT> <accessKeyId> <ISO instant>`, written just BEFORE a
 *   write carrying that key is sent, and emptied once its outcome is known.
 * - `logpoint:director-switch`: `<accessKeyId> <last_log_received|-> <last_fetch_attempt|->`,
 *   Director's fetch signals as a key rotation read them once its switch to that key succeeded.
 *   Only a fetch later than these used the key, so every step of the rotation (and each retry of
 *   one) judges the data plane from the same point, in Director's own clock. Emptied on rollback.
 */

type DirectorWriteOperation = 'CREATE' | 'EDIT';

export interface DirectorWrite {
  operation: DirectorWriteOperation;
  accessKeyId: string;
  /** When the write was (about to be) sent. */
  sentAt: string;
}

/** A rotation's switch of Director to `accessKeyId`, and the fetch signals Director reported then. */
export interface DirectorSwitch {
  accessKeyId: string;
  baseline: FetchBaseline;
}

export interface DirectorKeyRecord {
  confirmedKeyId: string | null;
  /** A write whose outcome is not known yet: Director may hold its key. */
  inFlight: DirectorWrite | null;
}

const WRITE_VALUE = /^(CREATE|EDIT) (\S+) (\S+)$/;
const SWITCH_VALUE = /^(\S+) (\S+) (\S+)$/;
const NO_SIGNAL = '-';

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

/** The last switch a rotation recorded on the secret's tags, or null (none, emptied or malformed). */
export function lastDirectorSwitchOf(tags: Record<string, string>): DirectorSwitch | null {
  return switchOf(tags[TagKey.directorSwitch] ?? '');
}

/** The tag value that records `recorded`. */
export function directorSwitchValue(recorded: DirectorSwitch): string {
  const { lastLogReceived, lastFetchAttempt } = recorded.baseline;
  return `${recorded.accessKeyId} ${lastLogReceived ?? NO_SIGNAL} ${lastFetchAttempt ?? NO_SIGNAL}`;
}

function switchOf(value: string): DirectorSwitch | null {
  const match = SWITCH_VALUE.exec(value.trim());
  if (!match) return null;
  const lastLogReceived = recordedInstant(match[2]);
  const lastFetchAttempt = recordedInstant(match[3]);
  if (lastLogReceived === undefined || lastFetchAttempt === undefined) return null;
  return { accessKeyId: match[1] ?? '', baseline: { lastLogReceived, lastFetchAttempt } };
}

/** A recorded instant: `-` is none (null); anything unreadable is undefined, which makes the record malformed. */
function recordedInstant(text: string | undefined): string | null | undefined {
  if (text === NO_SIGNAL) return null;
  return text !== undefined && !Number.isNaN(Date.parse(text)) ? text : undefined;
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
