import { describe, expect, it } from 'vitest';
import { resolveOffboardingRequest } from '../../../lambda/offboarding/request.js';
import { ACCOUNT } from '../../support/aws-sandbox.js';
import { settings } from './offboarding-fixture.js';

describe('resolveOffboardingRequest', () => {
  it('defaults the reason to manual, the trigger to null and the name to the pattern onboarding uses', () => {
    // Act
    const resolved = resolveOffboardingRequest({ accountId: ACCOUNT }, settings);

    // Assess
    expect(resolved).toEqual({ accountId: ACCOUNT, reason: 'manual', logSourceName: `CloudTrail-${ACCOUNT}`, trigger: null, coverage: 'account-source' });
  });

  it('keeps an explicit reason, log source name and trigger', () => {
    // Act
    const resolved = resolveOffboardingRequest(
      { accountId: ACCOUNT, reason: 'removed-from-organization', logSourceName: 'legacy', trigger: 'eventbridge' },
      settings,
    );

    // Assess
    expect(resolved).toEqual({
      accountId: ACCOUNT,
      reason: 'removed-from-organization',
      logSourceName: 'legacy',
      trigger: 'eventbridge',
      coverage: 'account-source',
    });
  });
});
