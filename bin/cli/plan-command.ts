import { planOnboarding, type SubjectPlan } from '../../lambda/preflight/plan.js';
import { ExitCode, type CliOutput } from './io.js';
import { subjectsOf, type SubjectOptions } from './subjects.js';
import type { Target } from './target.js';

/**
 * `logpoint-onboard plan [--account <id>…] [--all]`: what an onboarding of each subject would
 * change, nothing changed. `--all`: the organization's ACTIVE accounts the fleet filters admit
 * (in organization mode the organization source first). Exit 1 when an onboarding would fail.
 */
export async function runPlan(target: Target, out: CliOutput, options: SubjectOptions): Promise<number> {
  const subjects = await subjectsOf(target, options);
  const plans: SubjectPlan[] = [];
  for (const subject of subjects) plans.push(await planOnboarding(target, target.settings, subject, () => new Date()));
  for (const plan of plans) {
    out.say(`${plan.subject} (${plan.coverage})${plan.blocked ? ` — would fail: ${plan.blocked.code}: ${plan.blocked.message}` : ''}`);
    for (const change of plan.changes) out.say(`  ${change}`);
  }
  const ok = plans.every((plan) => plan.blocked === null);
  out.result({ target: target.name, ok, plans });
  return ok ? ExitCode.ok : ExitCode.failed;
}
