import { describe, expect, it } from 'vitest';
import { summarizeFleet } from '../../../lambda/fleet/summarize-fleet.handler.js';

describe('summarizeFleet', () => {
  it("counts outcomes and reads a failed account's own error code out of the child execution's description", () => {
    const summary = summarizeFleet(
      [{ accountId: '400000000001', reason: 'not ACTIVE (CLOSED)' }],
      [
        { accountId: '200000000001', status: 'SUCCEEDED', executionArn: 'arn:aws:states:eu-west-1:1:execution:onboard:a' },
        {
          accountId: '200000000002',
          status: 'FAILED',
          error: 'States.TaskFailed',
          cause: JSON.stringify({ ExecutionArn: 'arn:b', Status: 'FAILED', Error: 'NOT_OWNED', Cause: 'a hand-made source' }),
        },
        { accountId: '200000000003', status: 'FAILED', error: 'States.Timeout', cause: null },
      ],
      'schedule',
    );

    expect(summary).toMatchObject({ accounts: 3, succeeded: 1, failed: 2, trigger: 'schedule' });
    expect(summary.failures).toEqual([
      { accountId: '200000000002', errorCode: 'NOT_OWNED', errorMessage: 'a hand-made source' },
      { accountId: '200000000003', errorCode: 'States.Timeout', errorMessage: '' },
    ]);
    expect(summary.excluded).toHaveLength(1);
  });
});
