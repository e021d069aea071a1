import { describe, expect, it } from 'vitest';
import { offboardingInputSchema } from '../../../lambda/offboarding/workflow-contract.js';
import { onboardingInputSchema } from '../../../lambda/onboarding/workflow-contract.js';
import { ACCOUNT } from '../../support/aws-sandbox.js';

/** What ValidateInput refuses before anything is created: the inputs an independent battery showed slipping through. */
describe('the onboarding and offboarding inputs', () => {
  const issuesOf = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
    (result.error?.issues ?? []).map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`);

  it.each([
    ['a line break', 'CloudTrail\n111122223333'],
    ['a tab', 'CloudTrail\t111122223333'],
    ['only whitespace', '   '],
    ['an empty string', ''],
  ])('refuse a log source name with %s, in both workflows', (_what, logSourceName) => {
    // Act
    const onboarding = onboardingInputSchema.safeParse({ accountId: ACCOUNT, logSourceName });
    const offboarding = offboardingInputSchema.safeParse({ accountId: ACCOUNT, logSourceName });

    // Assess
    expect(onboarding.success).toBe(false);
    expect(offboarding.success).toBe(false);
    expect(issuesOf(onboarding).join('; ')).toMatch(/^logSourceName: must not (be empty or blank|contain control characters)/);
  });

  it('refuses a filterDate in the future, and accepts one in the past or a moment ahead of this clock', () => {
    // Prepare
    const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

    // Act
    const future = onboardingInputSchema.safeParse({ accountId: ACCOUNT, filterDate: at(24 * 3_600_000) });
    const past = onboardingInputSchema.safeParse({ accountId: ACCOUNT, filterDate: at(-24 * 3_600_000) });
    const skewed = onboardingInputSchema.safeParse({ accountId: ACCOUNT, filterDate: at(60_000) });

    // Assess
    expect(issuesOf(future)).toEqual(['filterDate: must not be in the future']);
    expect(past.success).toBe(true);
    expect(skewed.success).toBe(true);
  });

  it('accepts an ordinary log source name', () => {
    // Act + Assess
    expect(onboardingInputSchema.safeParse({ accountId: ACCOUNT, logSourceName: 'CloudTrail-111122223333 (prod)' }).success).toBe(true);
  });
});
