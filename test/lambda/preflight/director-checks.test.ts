import { afterEach, describe, expect, it } from 'vitest';
import { checkDirector } from '../../../lambda/preflight/director-checks.js';
import { createDirectorClient } from '../../../lambda/shared/runtime/aws-clients/director.js';
import { startSandbox, type Sandbox } from '../../../local/sandbox/environment.js';

/**
 * Preflight's Director checks against the simulator: each name the log source body carries is
 * looked up in Director's own catalogue, and a name Director does not have fails its check with
 * the fix, while the others still run. Only GETs (and the token refresh) reach Director.
 */

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

async function checksWith(logSource: Record<string, unknown>) {
  sandbox = await startSandbox({ config: { logSource } });
  const checks = await checkDirector(createDirectorClient(sandbox.settings.director, sandbox.aws.secretsManager), sandbox.settings);
  return { checks, byId: (id: string) => checks.find((check) => check.id === id) };
}

describe('checkDirector', () => {
  it('fails an unknown charset and an unknown enrichment policy, each with its fix, and still checks the rest', async () => {
    const { byId } = await checksWith({ charset: 'klingon_8', enrichmentPolicy: 'no-such-policy' });

    expect(byId('director.connection')?.status).toBe('pass');
    expect(byId('director.charset')).toMatchObject({
      status: 'fail',
      detail: 'Director has no charset "klingon_8"',
      fix: expect.stringContaining('logSource.charset'),
    });
    expect(byId('director.enrichment')).toMatchObject({ status: 'fail', detail: expect.stringContaining('no-such-policy') });
    expect(byId('director.normalizers')?.status).toBe('pass');
    expect(byId('director.repos')?.status).toBe('pass');
  });

  it('accepts a criterion repo that the routing policy creates itself, and names a criterion repo that is missing', async () => {
    const created = await checksWith({
      routing: {
        criteria: [{ key: 'eventSource', value: 'iam.amazonaws.com', repository: 'iam-events' }],
        newRepo: { name: 'iam-events', path: '/opt/logpoint/iam', retentionDays: 30 },
      },
    });
    expect(created.byId('director.repos')?.status).toBe('pass');
    await sandbox?.stop();

    const missing = await checksWith({ routing: { criteria: [{ key: 'eventSource', value: 'iam.amazonaws.com', repository: 'iam-events' }] } });
    expect(missing.byId('director.repos')).toMatchObject({
      status: 'fail',
      detail: 'Director has no repo "iam-events" (criterion eventSource=iam.amazonaws.com)',
    });
  });

  it('sends only reads to Director', async () => {
    await checksWith({});

    expect(sandbox?.director.operations).toEqual([]);
    expect(new Set(sandbox?.director.requests.map((request) => request.method))).toEqual(new Set(['GET', 'POST']));
    expect(sandbox?.director.requests.filter((request) => request.method === 'POST').map((request) => request.path)).toEqual([
      expect.stringMatching(/refreshToken/i),
    ]);
  });
});
