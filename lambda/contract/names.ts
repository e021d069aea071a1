/**
 * The names the infrastructure (lib/) and the runtime share: where the reader users and account
 * secrets live, the tags and marker that prove what this product owns, and lifecycle defaults.
 * IAM grants are scoped to exactly these names, so a grant cannot drift from what is created.
 */

/** The marker in tags, `dc_metadata` and descriptions that says "created by this product". */
export const OWNER_MARKER = 'logpoint-cloudtrail-onboarding';

/** Per account (or organization), one secret `logpoint/cloudtrail/<account>` holds the reader's key pair. */
export const ACCOUNT_SECRET_PREFIX = 'logpoint/cloudtrail/';

export function accountSecretName(accountId: string): string {
  return `${ACCOUNT_SECRET_PREFIX}${accountId}`;
}

/** Reader users are `/logpoint/cloudtrail-reader-<account>`. */
export const READER_USER_PATH = '/logpoint/';
export const READER_USER_PREFIX = 'cloudtrail-reader-';

export function readerUserName(accountId: string): string {
  return `${READER_USER_PREFIX}${accountId}`;
}

/** Tags on the reader user and the account secret. */
export const TagKey = {
  managedBy: 'logpoint:managed-by',
  accountId: 'logpoint:account-id',
  readerUser: 'logpoint:reader-user',
  logSourceId: 'logpoint:log-source-id',
  lastOrder: 'logpoint:last-order',
  directorKey: 'logpoint:director-key',
  directorWrite: 'logpoint:director-write',
  directorSwitch: 'logpoint:director-switch',
} as const;

/** The prefix reserved for this product's own tags; caller-supplied tags may not use it. */
export const RESERVED_TAG_PREFIX = 'logpoint:';

/** Secrets Manager accepts 7-30 days; the product's default is the shortest. */
export const DEFAULT_SECRET_RECOVERY_WINDOW_DAYS = 7;

/** Days between scheduled rotations of an account secret. */
export const DEFAULT_ROTATION_SCHEDULE_DAYS = 90;
