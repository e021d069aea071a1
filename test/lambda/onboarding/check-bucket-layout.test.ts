import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_ACCOUNT_ID, SANDBOX_ORGANIZATION_ID, startSandbox, type Sandbox } from '../../../local/sandbox/environment.js';
import { enteredStates, eventsOf, expectFailedWith, expectNothingLeftBehind } from '../../workflow/support.js';

/**
 * CheckBucket inside the synthesized workflow (local/sandbox/environment.ts), for a configuration
 * that names the wrong layout: the run must end at once with a diagnosis, not after the 15 minutes
 * of retries that a trail which has not delivered yet deserves.
 */

const ORG = SANDBOX_ORGANIZATION_ID;
const BUCKET = 'sandbox-org-cloudtrail';

let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

interface TaskStateView {
  Retry?: { ErrorEquals: string[] }[];
}

describe('CheckBucket on a Control Tower bucket configured as a plain organization trail', () => {
  it('fails at once with TRAIL_LAYOUT_MISMATCH naming Control Tower and trail.trailPrefix, creating nothing', async () => {
    // Arrange: the stack knows the organization but not the prefix Control Tower puts in front.
    sandbox = await startSandbox({
      waitMs: 20,
      trail: null,
      config: { trail: { organizationId: ORG }, collection: { mode: 'per-account', perAccountOnOrganizationTrail: true } },
    });
    await sandbox.aws.createTrailBucket({ name: BUCKET, layout: 'organization', organizationId: ORG, prefix: ORG, accountIds: [SANDBOX_ACCOUNT_ID] });

    // Act
    const result = await sandbox.run({ accountId: SANDBOX_ACCOUNT_ID, trigger: 'layout-test' });

    // Assess
    expectFailedWith(sandbox, result, 'TRAIL_LAYOUT_MISMATCH');
    expect(result.error?.message).toContain('Control Tower');
    expect(result.error?.message).toContain(`set trail.trailPrefix to "${ORG}"`);
    expect(result.error?.message).toContain(`${ORG}/AWSLogs/${ORG}/${SANDBOX_ACCOUNT_ID}/CloudTrail/`);
    expect(eventsOf(result, 'retried', 'CheckBucket')).toEqual([]);
    expect(eventsOf(result, 'failed', 'CheckBucket').map((failure) => failure.error)).toEqual(['TRAIL_LAYOUT_MISMATCH']);
    expect(enteredStates(result)).not.toContain('ProvisionReader');
    expectNothingLeftBehind(sandbox);
    expect(sandbox.director.requests).toEqual([]);
  });

  it('is not among the errors the definition retries for CheckBucket, unlike NO_CLOUDTRAIL_LOGS', async () => {
    // Arrange
    sandbox = await startSandbox({ waitMs: 20 });

    // Act
    const states = sandbox.definition.States as Record<string, TaskStateView>;
    const retried = (states.CheckBucket?.Retry ?? []).flatMap((retry) => retry.ErrorEquals);

    // Assess: a wrong setting stays wrong, so waiting for it would only delay the diagnosis.
    expect(retried).toContain('NO_CLOUDTRAIL_LOGS');
    expect(retried).not.toContain('TRAIL_LAYOUT_MISMATCH');
    expect(retried).not.toContain('States.ALL');
    expect(retried).not.toContain('States.TaskFailed');
  });
});
