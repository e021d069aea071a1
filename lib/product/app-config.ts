import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import {
  dataFlowSchema,
  DEFAULT_DATA_FLOW,
  DEFAULT_ORDER_POLLING,
  orderPollingSchema,
  trailSettingsSchema,
  type RuntimeSettings,
} from '../../lambda/contract/runtime-settings.js';
import { accountIdSchema, directorSettingsSchema, logSourceDefaultsSchema } from '../../lambda/contract/settings.js';
import { checkForwardFrom, forwardFromSchema } from './org-events-config.js';
import { checkCollection, collectionConfigSchema, collectionSettingsOf, DEFAULT_COLLECTION_CONFIG } from './collection-config.js';
import { DEFAULT_FLEET_CONFIG, fleetConfigSchema } from './fleet-config.js';
import { DEFAULT_RECONCILE_CONFIG, reconcileConfigSchema } from './reconcile-config.js';

/** What Secrets Manager allows in a secret name. */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SECRET_ARN = /^arn:aws(?:-[a-z]+)*:secretsmanager:[a-z]{2}(?:-[a-z]+)+-\d+:\d{12}:secret:(?<name>[A-Za-z0-9/_+=.@-]{1,512})$/;
/** The `-` and six random characters Secrets Manager appends to the name in a secret's full ARN. */
const RANDOM_SUFFIX = /.-[A-Za-z0-9]{6}$/;

/**
 * The Director secret: a name, or the full ARN. The stack imports an ARN with
 * `Secret.fromSecretCompleteArn`, which throws on a partial ARN (no random suffix); a partial ARN
 * would need `fromSecretPartialArn` and `-??????` grants, so it is refused here with what to give.
 */
const credentialSecretIdSchema = z.string().superRefine((value, context) => {
  const problem = secretIdProblem(value);
  if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
});

function secretIdProblem(value: string): string | undefined {
  if (!value.startsWith('arn:')) {
    return SECRET_NAME.test(value) ? undefined : 'must be the secret name (1-512 letters, digits and /_+=.@-) or its full ARN';
  }
  const name = SECRET_ARN.exec(value)?.groups?.name;
  if (name === undefined) {
    return 'is not a Secrets Manager secret ARN: expected arn:<partition>:secretsmanager:<region>:<12-digit account>:secret:<name>-<6 characters>';
  }
  if (!RANDOM_SUFFIX.test(name)) {
    return (
      'is a partial secret ARN: it lacks the "-" and 6 random characters Secrets Manager appends to the name. ' +
      'Give the full ARN as the console or `aws secretsmanager describe-secret` shows it (…:secret:<name>-AbC123), or only the secret name'
    );
  }
  return undefined;
}

/**
 * The operator's configuration file (`-c config=<path>`, default config/example.json). Checked at
 * synth time, so a wrong value stops `cdk synth` with the field and what it expects.
 */
const appConfigSchema = z.strictObject({
  /** Deployment target; omit both for an environment-agnostic template. */
  env: z.strictObject({ account: accountIdSchema.optional(), region: z.string().min(1).optional() }).optional(),
  stackName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/)
    .default('LogpointCloudTrailOnboarding'),
  director: directorSettingsSchema.omit({ caBundle: true }).extend({
    credentialSecretId: credentialSecretIdSchema,
    /** Path (relative to the config file) of a PEM bundle for a Director behind a private CA. */
    caBundleFile: z.string().min(1).optional(),
  }),
  trail: trailSettingsSchema,
  /** One log source for the organization trail, or one per account (collection-config.ts). */
  collection: collectionConfigSchema.default(DEFAULT_COLLECTION_CONFIG),
  logSource: logSourceDefaultsSchema.default(logSourceDefaultsSchema.parse({})),
  orderPolling: orderPollingSchema.default(DEFAULT_ORDER_POLLING),
  /** How long an onboarding waits for Director to report that Logpoint fetched (see runtime-settings.ts). */
  dataFlow: dataFlowSchema.default(DEFAULT_DATA_FLOW),
  /**
   * The account `cdk deploy` onboards in per-account mode; omit to onboard only accounts that
   * triggers report. In organization mode every deploy onboards the organization source instead.
   */
  onboardAccountId: accountIdSchema.optional(),
  /** Which new-account events start an onboarding. */
  triggers: z
    .strictObject({
      /** AWS Organizations `CreateAccountResult` (emitted only in us-east-1). */
      organizations: z.boolean().default(true),
      /** Control Tower `CreateManagedAccount` and `UpdateManagedAccount` (emitted in the Control Tower home region). */
      controlTower: z.boolean().default(true),
      /** The management account whose events are forwarded to this stack (org-events-config.ts). */
      forwardFrom: forwardFromSchema.optional(),
      /**
       * Concurrent executions reserved for the starter, so a burst of events cannot take the
       * account's Lambda pool; `null` reserves none (an account whose quota leaves no room).
       */
      starterReservedConcurrency: z.int().min(1).max(100).nullable().default(5),
    })
    .default({ organizations: true, controlTower: true, starterReservedConcurrency: 5 }),
  /** Onboarding the organization's existing accounts at a bounded pace (fleet-config.ts). */
  fleet: fleetConfigSchema.default(DEFAULT_FLEET_CONFIG),
  /** Finding and repairing drift between the organization, the registry and Director (reconcile-config.ts). */
  reconcile: reconcileConfigSchema.default(DEFAULT_RECONCILE_CONFIG),
  /** Zero-downtime rotation of every account's reader key through Secrets Manager. */
  keyRotation: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Days between rotations of each account secret. */
      scheduleDays: z.int().min(1).max(1000).default(90),
    })
    .default({ enabled: true, scheduleDays: 90 }),
  /** Removing an account's log source, reader and secret when it is closed or leaves the organization. */
  offboarding: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Days Secrets Manager keeps a deleted account secret restorable. */
      secretRecoveryWindowDays: z.int().min(7).max(30).default(7),
    })
    .default({ enabled: true, secretRecoveryWindowDays: 7 }),
  /** Where failure alarms go besides the SNS topic. */
  notifications: z
    .strictObject({
      /** Subscribed to the alarm topic; AWS sends a confirmation mail first. */
      email: z.email('must be an e-mail address').optional(),
    })
    .default({}),
  tags: z.record(z.string().min(1).max(128), z.string().max(256)).default({}),
});
/** The schema with the checks across fields. */
const checkedAppConfigSchema = appConfigSchema.superRefine((config, context) => {
  checkForwardFrom(config, context);
  checkCollection(config, context);
});
export type AppConfig = z.infer<typeof appConfigSchema>;

export const DEFAULT_CONFIG_PATH = path.join(import.meta.dirname, '..', '..', 'config', 'example.json');

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  /** The validated config; `director.caBundleFile`, when set, is resolved to an absolute path. */
  config: AppConfig;
  /** PEM contents of `director.caBundleFile`, when set. */
  caBundle?: string;
  source: string;
}

/** Reads and validates a config file; every problem is reported with its field path. */
export function loadAppConfig(file: string = DEFAULT_CONFIG_PATH): LoadedConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Cannot read config ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseAppConfig(raw, file);
}

export function parseAppConfig(raw: unknown, source = '<inline>'): LoadedConfig {
  const result = checkedAppConfigSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  - ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ConfigError(`Invalid config ${source}:\n${problems.join('\n')}`);
  }
  const config = result.data;
  if (config.director.caBundleFile === undefined) return { config, source };
  const caPath = path.resolve(path.dirname(source), config.director.caBundleFile);
  let caBundle: string;
  try {
    caBundle = readFileSync(caPath, 'utf8');
  } catch {
    throw new ConfigError(`Invalid config ${source}:\n  - director.caBundleFile: cannot read ${caPath}`);
  }
  if (!caBundle.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError(`Invalid config ${source}:\n  - director.caBundleFile: ${caPath} is not a PEM certificate bundle`);
  }
  return { config: { ...config, director: { ...config.director, caBundleFile: caPath } }, caBundle, source };
}

/** The secret-free settings every workflow Lambda receives, derived from the config in one place. */
export function runtimeSettingsFromConfig(config: AppConfig): RuntimeSettings {
  const { caBundleFile: _caBundleFile, ...director } = config.director;
  return {
    director,
    trail: config.trail,
    collection: collectionSettingsOf(config),
    logSource: config.logSource,
    orderPolling: config.orderPolling,
    dataFlow: config.dataFlow,
    fleet: { include: config.fleet.include, exclude: config.fleet.exclude },
    reconcile: { staleAfterHours: config.reconcile.staleAfterHours, repair: config.reconcile.repair },
  };
}

/**
 * A config with overrides laid over it, object by object (arrays and values replace): how a
 * variant of a config file is written, e.g. by the sandbox and the tests. Check the result with
 * {@link parseAppConfig}.
 */
export function overlayConfig(base: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? overlayConfig(current, value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
