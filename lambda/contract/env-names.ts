/**
 * Environment variable names, shared by the constructs that set them (lib/) and the handlers that
 * read them, so the two cannot drift apart. No value here is ever a secret.
 */
export const EnvName = {
  /** JSON of the runtime settings: Director location and log source defaults. */
  SETTINGS: 'ONBOARDING_SETTINGS',
  /** Overrides the S3 endpoint (local sandbox only). */
  S3_ENDPOINT: 'ONBOARDING_S3_ENDPOINT',
  /** The rotation function FinalizeOnboarding hands to Secrets Manager; unset when rotation is off. */
  ROTATION_LAMBDA_ARN: 'KEY_ROTATION_LAMBDA_ARN',
  ROTATION_SCHEDULE_DAYS: 'KEY_ROTATION_SCHEDULE_DAYS',
  /** The permissions boundary ProvisionReader attaches to every reader user it creates. */
  READER_PERMISSIONS_BOUNDARY_ARN: 'READER_PERMISSIONS_BOUNDARY_ARN',
  /** The state machines the start-execution function starts. */
  ONBOARDING_STATE_MACHINE_ARN: 'ONBOARDING_STATE_MACHINE_ARN',
  OFFBOARDING_STATE_MACHINE_ARN: 'OFFBOARDING_STATE_MACHINE_ARN',
  FLEET_STATE_MACHINE_ARN: 'FLEET_STATE_MACHINE_ARN',
  /** The DynamoDB table of per-account locks (lib/shared/account-lock-table.ts); set on the functions that take or release a lock. */
  ACCOUNT_LOCK_TABLE: 'ACCOUNT_LOCK_TABLE',
  /** The account registry (lib/registry/account-registry-table.ts); set on the functions that record accounts. */
  ACCOUNT_REGISTRY_TABLE: 'ACCOUNT_REGISTRY_TABLE',
} as const;
