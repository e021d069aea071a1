import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { ZodType } from 'zod';
import type { RuntimeSettingsInput } from '../../lambda/contract/runtime-settings.js';

/** The props of CloudTrailOnboarding (cloudtrail-onboarding.ts), and how they are checked. */

interface CloudTrailOnboardingTriggers {
  /**
   * Onboard accounts that AWS Organizations creates (`CreateAccountResult`, emitted only in us-east-1).
   * @default true
   */
  organizations?: boolean;
  /**
   * Onboard accounts that Control Tower Account Factory provisions or updates (`CreateManagedAccount`, `UpdateManagedAccount`).
   * @default true
   */
  controlTower?: boolean;
}

export interface CloudTrailOnboardingProps {
  /**
   * Director location, CloudTrail bucket, log source defaults and order polling, in the format of
   * config/example.json. Checked when the construct is created; omitted optional fields take the
   * defaults of lambda/contract/settings.ts.
   */
  settings: RuntimeSettingsInput;
  /**
   * The operator's Director credential secret (`{"secretKey": "..."}`).
   * @default the secret named (or ARN'd) by `settings.director.credentialSecretId`
   */
  directorSecret?: ISecret;
  /**
   * Absolute path of a PEM CA bundle for a Director behind a private CA; shipped inside the
   * bundles of the functions that call Director.
   * @default none: the Lambda runtime's public CAs
   */
  directorCaBundleFile?: string;
  /**
   * The account to onboard on every deployment (or, in organization mode, the organization id: its
   * one source); its execution ARN is {@link CloudTrailOnboarding.deployExecutionArn}.
   * @default no onboarding on deploy
   */
  onboardAccountId?: string;
  /**
   * Differs on every synth so every deployment starts one onboarding of `onboardAccountId`.
   * @default the time of synthesis
   */
  deployNonce?: string;
  /**
   * Which new-account events start an onboarding.
   * @default both Organizations and Control Tower
   */
  triggers?: CloudTrailOnboardingTriggers;
  /**
   * Onboarding the existing organization (lib/fleet/): how many at once, on which schedule, and
   * whether every deployment starts a run (instead of onboarding `onboardAccountId`).
   * @default 10 at once, no schedule, not on deploy
   */
  fleet?: { maxConcurrency?: number; schedule?: string | undefined; onboardExisting?: boolean };
  /**
   * Concurrent executions reserved for the execution starter (see ExecutionStarterProps); `null` reserves none.
   * @default 5
   */
  starterReservedConcurrency?: number | null;
  /**
   * Where alarms and failure notifications go.
   * @default a new KMS-encrypted topic
   */
  alarmTopic?: ITopic;
  /**
   * An e-mail address subscribed to the alarm topic.
   * @default no subscription
   */
  notificationEmail?: string;
  /**
   * Retention of the state machine's execution log.
   * @default one year (the AWS Control Tower control CT.CLOUDWATCH.PR.2 asks for at least that)
   */
  logRetention?: RetentionDays;
  /**
   * Zero-downtime rotation of each account secret by Secrets Manager; `false` turns it off.
   * @default { scheduleDays: 90 }
   */
  keyRotation?: { scheduleDays?: number } | false;
  /**
   * The offboarding workflow and its triggers (account closed or removed from the organization);
   * `false` leaves them out.
   * @default { secretRecoveryWindowDays: 7 }
   */
  offboarding?: { secretRecoveryWindowDays?: number } | false;
  /**
   * Reconciliation of the organization, the account registry and Director (lib/reconcile/): when
   * it runs by itself (`null`: only by hand).
   * @default once a day
   */
  reconcile?: { schedule?: string | null };
}

export class CloudTrailOnboardingPropsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CloudTrailOnboardingPropsError';
  }
}

/** Parses one prop with its schema, or throws CloudTrailOnboardingPropsError listing every problem. */
export function parseProps<T>(schema: ZodType<T, unknown>, value: unknown, name: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  - ${[name, ...issue.path].join('.')}: ${issue.message}`);
  throw new CloudTrailOnboardingPropsError(`Invalid CloudTrailOnboarding props:\n${problems.join('\n')}`);
}
