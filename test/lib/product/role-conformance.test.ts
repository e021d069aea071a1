import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountState } from '../../../local/sandbox/account-state.js';
import type { AwsCallRecord } from '../../../local/sandbox/aws-call-log.js';
import { SANDBOX_ACCOUNT_ID, SANDBOX_REGION } from '../../../local/sandbox/constants.js';
import { startSandbox } from '../../../local/sandbox/environment.js';
import { playScenario, scenarios } from '../../../local/sandbox/scenarios.js';
import { conformanceTable, describeDenials, staleReviewEntries, unreviewedUnusedGrants } from '../../support/conformance-report.js';
import { ConformanceCheck, type ConformanceResult, type Evaluation } from '../../support/role-conformance.js';
import { functionRoles, type PolicyDocument } from '../../support/template-roles.js';
import { REVIEWED_UNUSED_GRANTS } from './unused-grants.js';

/**
 * Least privilege, checked against what the functions really do: every sandbox scenario is
 * played, every AWS call the real handlers make is mapped to the IAM request AWS evaluates
 * (test/support/iam-requests.ts) and evaluated with iam-simulate against the role of the function
 * that made it, as synthesized (test/support/template-roles.ts). Calls signed with the reader's
 * key are evaluated against the reader's inline policy and permissions boundary. Then every
 * grant no call used must be in the reviewed list (unused-grants.ts), and every entry there must
 * still be granted and unused.
 *
 * Failure messages name the function, action, resource and context *keys* only: the recorded
 * inputs hold secrets, and no value of them is ever printed. `ROLE_CONFORMANCE_REPORT=1` prints
 * the per-function table (function | recorded calls | denied | unused grants) after the run.
 */

const ENV = { partition: 'aws', region: SANDBOX_REGION, account: SANDBOX_ACCOUNT_ID };
let result: ConformanceResult;
const recordedPerScenario = new Map<string, number>();
let onboardRun: { template: Record<string, unknown>; calls: AwsCallRecord<AccountState>[] } | undefined;

beforeAll(async () => {
  const check = new ConformanceCheck(ENV);
  for (const scenario of scenarios) {
    const sandbox = await startSandbox({ waitMs: 20, ...scenario.sandbox });
    try {
      const rolesBefore = JSON.stringify(functionRoles(sandbox.definitions.template, ENV));
      await playScenario(scenario, sandbox);
      const { template } = sandbox.definitions;
      // A scenario that redeploys (rerun-changed) must not change the roles its earlier calls ran under.
      if (JSON.stringify(functionRoles(template, ENV)) !== rolesBefore) {
        throw new Error(`${scenario.name} redeployed different roles: its calls would have to be evaluated per deployment.`);
      }
      const calls = sandbox.awsCallRecords();
      recordedPerScenario.set(scenario.name, calls.length);
      if (scenario.name === 'onboard') onboardRun = { template, calls };
      await check.add({ scenario: scenario.name, template, calls });
    } finally {
      await sandbox.stop();
    }
  }
  result = check.finish();
}, 180_000);

afterAll(() => {
  if (process.env.ROLE_CONFORMANCE_REPORT && result) process.stdout.write(`\n${conformanceTable(result)}\n`);
});

const byRole = (evaluation: Evaluation): boolean => !evaluation.principal.endsWith('(reader key)');

/** The template with `action` taken out of every statement of `label`'s role (CDK writes them as AWS::IAM::Policy). */
function withoutAction(template: Record<string, unknown>, label: string, action: string): Record<string, unknown> {
  const copy = structuredClone(template) as { Resources: Record<string, { Properties: { PolicyDocument: PolicyDocument } }> };
  const role = functionRoles(template, ENV).find((candidate) => candidate.label === label);
  for (const policy of role?.policies ?? []) {
    const document = copy.Resources[policy.name]?.Properties.PolicyDocument;
    if (!document) continue;
    for (const statement of document.Statement) {
      statement.Action = (Array.isArray(statement.Action) ? statement.Action : [statement.Action ?? '']).filter((granted) => granted !== action);
    }
    document.Statement = document.Statement.filter((statement) => (statement.Action as string[]).length > 0);
  }
  return copy;
}

describe('role conformance', () => {
  it('plays every scenario and maps every recorded call to IAM requests iam-simulate accepts as they are', () => {
    expect([...recordedPerScenario.keys()]).toEqual(scenarios.map((scenario) => scenario.name));
    expect([...recordedPerScenario.values()].every((count) => count > 0)).toBe(true);
    expect(result.evaluations.some((evaluation) => !byRole(evaluation))).toBe(true);
    // Unmapped calls, requests iam-simulate rejects, context keys that do not apply to the action.
    expect(result.problems).toEqual([]);
  });

  it('allows every call a function makes with its own role', () => {
    expect(describeDenials(result.evaluations.filter((evaluation) => byRole(evaluation) && !evaluation.request.assumption))).toEqual([]);
  });

  it('allows the calls on a reader user that does not exist (IAM authorizes them on user/<name>, without the path)', () => {
    expect(describeDenials(result.evaluations.filter((evaluation) => byRole(evaluation) && evaluation.request.assumption))).toEqual([]);
  });

  it("allows every call made with the reader's key under its inline policy and permissions boundary", () => {
    expect(describeDenials(result.evaluations.filter((evaluation) => !byRole(evaluation)))).toEqual([]);
  });

  it('uses every grant, or the grant is reviewed in unused-grants.ts', () => {
    expect(unreviewedUnusedGrants(result, REVIEWED_UNUSED_GRANTS)).toEqual([]);
  });

  it('keeps no reviewed entry that a call uses or that no role grants any more', () => {
    expect(staleReviewEntries(result, REVIEWED_UNUSED_GRANTS)).toEqual([]);
  });

  it("finds the gap of issue 9: FinalizeOnboarding's ownership check (GetUser) against a role without iam:GetUser", async () => {
    if (!onboardRun) throw new Error('The onboard scenario did not run.');
    const check = new ConformanceCheck(ENV);

    await check.add({
      scenario: 'onboard',
      template: withoutAction(onboardRun.template, 'onboard/FinalizeOnboarding', 'iam:GetUser'),
      calls: onboardRun.calls,
    });

    const denials = describeDenials(check.finish().evaluations.filter(byRole));
    expect(denials.filter((line) => line.startsWith('onboard/FinalizeOnboarding: iam:GetUser on '))).toHaveLength(1);
    expect(denials.find((line) => line.startsWith('onboard/FinalizeOnboarding'))).toMatch(
      /^onboard\/FinalizeOnboarding: iam:GetUser on arn:aws:iam::111122223333:user\/logpoint\/cloudtrail-reader-111122223333 — ImplicitlyDenied; context keys \[[^\]]*iam:ResourceTag\/logpoint:managed-by[^\]]*\]; call IAM\.GetUser; scenarios onboard$/,
    );
  });
});
