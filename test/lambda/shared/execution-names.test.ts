import { describe, expect, it } from 'vitest';
import { executionArnFor, executionNameFor } from '../../../lambda/shared/execution-names.js';

const ACCOUNT = '444455556666';
const ONBOARDING_ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:Onboarding';

describe('execution names', () => {
  it('are onboard-<account>-<16 hex>, stable for a key and different for another key', () => {
    // Act
    const name = executionNameFor('onboard', ACCOUNT, 'event:abc');

    // Assess
    expect(name).toMatch(new RegExp(`^onboard-${ACCOUNT}-[0-9a-f]{16}$`));
    expect(executionNameFor('onboard', ACCOUNT, 'event:abc')).toBe(name);
    expect(executionNameFor('onboard', ACCOUNT, 'event:abd')).not.toBe(name);
    expect(name.length).toBeLessThanOrEqual(80);
  });

  it('map to the ARN StartExecution would return', () => {
    // Act
    const arn = executionArnFor(ONBOARDING_ARN, 'onboard-444455556666-0123456789abcdef');

    // Assess
    expect(arn).toBe('arn:aws:states:us-east-1:111122223333:execution:Onboarding:onboard-444455556666-0123456789abcdef');
  });
});
