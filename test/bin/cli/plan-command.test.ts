import { describe, expect, it } from 'vitest';
import { cliOutput } from '../../../bin/cli/io.js';
import { runPlan } from '../../../bin/cli/plan-command.js';
import { openSandboxTarget } from '../../../bin/cli/sandbox-target.js';
import type { SubjectPlan } from '../../../lambda/preflight/plan.js';
import { handMadeLogSource } from '../../../local/sandbox/hand-made-source.js';
import { captureStreams } from './support.js';

/**
 * `logpoint-onboard plan`: what an onboarding would change, read from where the onboarding reads
 * it, changing nothing: a first onboarding creates the user, key, policy and secret and POSTs; a
 * second keeps the user and policy, replaces the key and PUTs to the source it made; a source of
 * the expected name that someone else made blocks it (NOT_OWNED). The body's secret is masked.
 */

async function planned(target: Awaited<ReturnType<typeof openSandboxTarget>>, options: { account?: string[]; all?: boolean } = {}) {
  const streams = captureStreams();
  const code = await runPlan(target, cliOutput(streams, true), options);
  return { code, document: JSON.parse(streams.text().stdout) as { ok: boolean; plans: SubjectPlan[] } };
}

const ACCOUNT = '111122223333';

describe('logpoint-onboard plan', () => {
  it('plans a first onboarding (create user, key, policy and secret; POST) and changes nothing', async () => {
    const target = await openSandboxTarget({});
    try {
      const { code, document } = await planned(target);

      expect(code).toBe(0);
      const [plan] = document.plans;
      expect(plan).toMatchObject({
        subject: ACCOUNT,
        blocked: null,
        iam: { user: 'create', accessKey: 'create', policy: 'create' },
        secret: 'create',
        director: { operation: 'POST', logSourceName: `CloudTrail-${ACCOUNT}`, logSourceId: null },
      });
      expect(plan?.director.body?.config.Connector.secret_key).toBe('[REDACTED]');
      expect(target.sandbox.director.operations).toEqual([]);
      expect(target.sandbox.aws.summary()).toMatchObject({ users: [], accessKeys: [], secrets: ['logpoint/director/api'] });
    } finally {
      await target.close();
    }
  });

  it('plans a re-run after an onboarding as a PUT to the source it made, the user and policy kept and the key replaced', async () => {
    const target = await openSandboxTarget({});
    try {
      expect((await target.sandbox.run({ accountId: ACCOUNT, trigger: 'test' })).status).toBe('SUCCEEDED');
      const [source] = target.sandbox.director.logSources();
      const writes = target.sandbox.director.operations.length;

      const { document } = await planned(target, { account: [ACCOUNT] });

      expect(document.plans[0]).toMatchObject({
        iam: { user: 'keep', accessKey: 'replace', policy: 'no change' },
        secret: 'update',
        director: { operation: 'PUT', logSourceId: source?.id },
      });
      expect(target.sandbox.director.operations).toHaveLength(writes);
    } finally {
      await target.close();
    }
  });

  it('reports a hand-made source of the expected name as what blocks the onboarding (NOT_OWNED), exit 1', async () => {
    const target = await openSandboxTarget({ sandbox: { director: { seed: { logSources: [handMadeLogSource(`CloudTrail-${ACCOUNT}`)] } } } });
    try {
      const { code, document } = await planned(target);

      expect(code).toBe(1);
      expect(document.plans[0]?.blocked).toMatchObject({ code: 'NOT_OWNED' });
      expect(document.plans[0]?.changes).toEqual(['nothing: the onboarding would fail with NOT_OWNED']);
    } finally {
      await target.close();
    }
  });
});
