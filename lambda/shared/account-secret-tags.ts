import { TagResourceCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ErrorCode } from '../contract/error-codes.js';
import { accountSecretName, TagKey } from '../contract/names.js';
import { describeAccountSecret, secretNotOwned, type AccountSecretDescription } from './account-secret.js';
import { OnboardingError } from './errors.js';

/** The workflow facts this product records as tags on an account's secret, and their one writer. */

export interface AccountSecretTags {
  /** Director id of the log source, `LogSources/<uuid>`. */
  logSourceId?: string;
  /** Path or id of the last Director order. */
  lastOrder?: string;
  /** The access key id Director was last confirmed to hold (see director-key-record.ts). */
  directorKey?: string;
  /** A Director write carrying a key whose outcome is not known yet; '' once it is (director-key-record.ts). */
  directorWrite?: string;
  /** Director's fetch signals when a rotation switched it to a key; '' once undone (director-key-record.ts). */
  directorSwitch?: string;
}

const TAG_KEY_OF: Record<keyof AccountSecretTags, string> = {
  logSourceId: TagKey.logSourceId,
  lastOrder: TagKey.lastOrder,
  directorKey: TagKey.directorKey,
  directorWrite: TagKey.directorWrite,
  directorSwitch: TagKey.directorSwitch,
};

// Secrets Manager tag values: up to 256 of letters, digits, spaces and _ . : / = + - @
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

/** Records workflow facts on the account's secret. The secret must exist and be ours. */
export async function tagAccountSecret(
  sm: SecretsManagerClient,
  accountId: string,
  values: AccountSecretTags,
  /** What this invocation already read of the secret; described again when omitted. */
  known?: AccountSecretDescription | null,
): Promise<void> {
  const fields = Object.keys(TAG_KEY_OF) as (keyof AccountSecretTags)[];
  const tags = fields.flatMap((field) => {
    const value = values[field];
    return value === undefined ? [] : [{ Key: TAG_KEY_OF[field], Value: value }];
  });
  if (tags.length === 0) return;
  for (const tag of tags) {
    if (!TAG_VALUE.test(tag.Value)) {
      throw new OnboardingError(ErrorCode.INVALID_INPUT, `Value of tag ${tag.Key} is not a valid Secrets Manager tag value: "${tag.Value}".`, {
        details: { tag: tag.Key },
      });
    }
  }
  const description = known === undefined ? await describeAccountSecret(sm, accountId) : known;
  if (description === null) {
    throw new OnboardingError(ErrorCode.SECRET_NOT_FOUND, `Secret ${accountSecretName(accountId)} does not exist; cannot tag it.`, {
      details: { secretName: accountSecretName(accountId) },
    });
  }
  if (!description.owned) throw secretNotOwned(description.secretName, accountId);
  await sm.send(new TagResourceCommand({ SecretId: description.secretArn, Tags: tags }));
}
