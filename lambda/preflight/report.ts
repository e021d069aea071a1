/**
 * What `logpoint-onboard preflight` reports: one line per check that could fail an onboarding,
 * each passed, failed (with the fix) or skipped (with why it could not be checked here). Nothing
 * in a report is ever a secret: names, ids, codes and Director's (redacted) messages.
 */

type CheckStatus = 'pass' | 'fail' | 'skip';

export interface PreflightCheck {
  /** Stable id for scripts, e.g. `director.repos`. */
  id: string;
  title: string;
  status: CheckStatus;
  /** What was found. */
  detail: string;
  /** What to do about a failure. */
  fix?: string;
  /** The error code an onboarding would fail with, for a failed check. */
  code?: string;
}

export interface PreflightReport {
  ok: boolean;
  checks: PreflightCheck[];
}

export function reportOf(checks: PreflightCheck[]): PreflightReport {
  return { ok: checks.every((check) => check.status !== 'fail'), checks };
}

export const pass = (id: string, title: string, detail: string): PreflightCheck => ({ id, title, status: 'pass', detail });
export const skip = (id: string, title: string, detail: string): PreflightCheck => ({ id, title, status: 'skip', detail });
export const fail = (id: string, title: string, detail: string, fix: string, code?: string): PreflightCheck => ({
  id,
  title,
  status: 'fail',
  detail,
  fix,
  ...(code === undefined ? {} : { code }),
});
