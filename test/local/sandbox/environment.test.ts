import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../local/sandbox/environment.js';
import { OnboardingTask } from '../../../lambda/contract/onboarding-states.js';

let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

describe('startSandbox', () => {
  // Regression: the handlers were loaded with a template-literal import of `.js` names, which
  // vitest's loader (Vite's dynamic-import-vars) cannot map to the `.ts` sources, so no test could
  // start a sandbox ("Unknown variable dynamic import").
  it('loads the real handler of every Lambda task when run under vitest, not only under tsx', async () => {
    // Act
    sandbox = await startSandbox({ waitMs: 20 });

    // Assess
    const states = sandbox.definition.States as Record<string, { Type: string; Resource?: string }>;
    for (const task of Object.keys(OnboardingTask)) {
      expect({ task, state: states[task] }).toMatchObject({ task, state: { Type: 'Task', Resource: expect.stringMatching(/^arn:aws:lambda:/) } });
    }
    const result = await sandbox.run({ accountId: 'not-an-account' });
    expect(result.error?.code).toBe('INVALID_INPUT');
    const entered = result.events.flatMap((event) => (event.kind === 'entered' ? [event.state] : []));
    expect(entered).toEqual(['ReadOnboardingInput', 'ValidateInput', 'Compensate', 'HoldsLock', 'PublishFailed', 'OnboardingFailed']);
  });
});
