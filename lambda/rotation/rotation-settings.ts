import { EnvName } from '../contract/env-names.js';
import { DEFAULT_ROTATION_SCHEDULE_DAYS } from '../contract/names.js';

/** Where and how often account secrets rotate, as the construct wires it (no SDK here: every function reads it). */
export interface EnableRotationOptions {
  rotationLambdaArn: string;
  /** Days between rotations (1-1000); default 90. Ignored when `scheduleExpression` is set. */
  scheduleDays?: number;
  /** A `rate(...)` or `cron(...)` expression instead of a number of days. */
  scheduleExpression?: string;
}

/** The rotation settings the construct put into a function's environment, or null when rotation is not wired. */
export function rotationSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): EnableRotationOptions | null {
  const rotationLambdaArn = env[EnvName.ROTATION_LAMBDA_ARN];
  if (!rotationLambdaArn) return null;
  const days = env[EnvName.ROTATION_SCHEDULE_DAYS];
  return { rotationLambdaArn, scheduleDays: days ? Number(days) : DEFAULT_ROTATION_SCHEDULE_DAYS };
}
