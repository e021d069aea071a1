import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../local/sandbox/environment.js';
import { parseSandboxState } from '../../../local/sandbox/sandbox-state.js';

/**
 * A sandbox written out and taken back in a new one goes on as if it had never stopped: the
 * source, reader and secret the first onboarding made are found and edited (a PUT, not a second
 * source), the registry and the executions are there, and time goes on from where it stood.
 */

const ACCOUNT = '111122223333';
let s3Directory = '';
const running: Sandbox[] = [];

beforeEach(async () => {
  s3Directory = await mkdtemp(join(tmpdir(), 'sandbox-state-s3-'));
});
afterEach(async () => {
  for (const sandbox of running.splice(0)) await sandbox.stop();
  await rm(s3Directory, { recursive: true, force: true });
});

async function sandboxOn(options: Parameters<typeof startSandbox>[0] = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({ s3Directory, ...options });
  running.push(sandbox);
  return sandbox;
}

describe('a saved sandbox', () => {
  it('is taken back whole: a re-run edits the same source, the old run and the registry are known, time goes on', async () => {
    const first = await sandboxOn();
    const onboarding = await first.run({ accountId: ACCOUNT, trigger: 'test' });
    expect(onboarding.status).toBe('SUCCEEDED');
    const [source] = first.director.logSources();
    const saved = parseSandboxState(JSON.parse(JSON.stringify(await first.exportState())) as unknown, 'the saved sandbox');
    await first.stop();
    running.splice(0);

    const second = await sandboxOn({ restoreFrom: saved });

    expect(second.director.logSources().map((entry) => entry.id)).toEqual([source?.id]);
    expect(second.aws.summary()).toEqual(expect.objectContaining({ users: [`cloudtrail-reader-${ACCOUNT}`] }));
    const described = await second.executions.client.send(new DescribeExecutionCommand({ executionArn: onboarding.executionArn }));
    expect(described.status).toBe('SUCCEEDED');
    const [registryBefore] = await second.aws.fakes.dynamo.items(second.aws.accountRegistryTable);

    const rerun = await second.run({ accountId: ACCOUNT, trigger: 'test' });

    expect(rerun.status).toBe('SUCCEEDED');
    expect(second.director.operations.filter((operation) => operation.startsWith('POST') && operation.endsWith('/LogSources'))).toEqual([]);
    expect(second.director.operations.some((operation) => operation.startsWith('PUT'))).toBe(true);
    expect(second.director.logSources()).toHaveLength(1);
    const [registryAfter] = await second.aws.fakes.dynamo.items(second.aws.accountRegistryTable);
    // Newer writes win in the registry: a clock gone back would have left the old item.
    expect(registryAfter?.lastRunId?.S).toBe(rerun.executionArn);
    expect(Date.parse(registryAfter?.updatedAt?.S ?? '')).toBeGreaterThan(Date.parse(registryBefore?.updatedAt?.S ?? ''));
    expect(Date.parse(registryAfter?.updatedAt?.S ?? '')).toBeGreaterThanOrEqual(Date.parse(saved.clock));
  });

  it('offboards, after being taken back, what the saved sandbox onboarded', async () => {
    const first = await sandboxOn();
    expect((await first.run({ accountId: ACCOUNT, trigger: 'test' })).status).toBe('SUCCEEDED');
    const saved = await first.exportState();
    await first.stop();
    running.splice(0);

    const second = await sandboxOn({ restoreFrom: saved });
    const offboarding = await second.offboard({ accountId: ACCOUNT, reason: 'manual' });

    expect(offboarding.status).toBe('SUCCEEDED');
    expect(second.director.logSources()).toEqual([]);
    expect(second.aws.summary()).toMatchObject({ users: [], accessKeys: [] });
  });

  it('is refused when it is not a saved sandbox of this version', () => {
    expect(() => parseSandboxState({ version: 2 }, 'state.json')).toThrow(/state.json is not a saved sandbox of this version/);
  });
});
