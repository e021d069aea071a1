import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../bin/cli/main.js';
import { openSandboxTarget } from '../../../bin/cli/sandbox-target.js';
import { captureStreams } from './support.js';

/**
 * The sandbox target's directory: one command at a time (a live command's lock stops a second
 * one, a dead command's lock is taken over), a state file that cannot be read stops the command
 * with the way out (`sandbox reset`), the files are the owner's alone (they hold what IAM and
 * Director would: secret keys), and a start through the starter keeps one run per account.
 */

let directory = '';
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'logpoint-onboard-store-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function run(...args: string[]) {
  const streams = captureStreams();
  const code = await main(args, streams, { sandboxDirectory: directory });
  return { code, ...streams.text() };
}

describe('the sandbox directory', () => {
  it('refuses a second command while another live one holds the sandbox (exit 1), and changes nothing', async () => {
    await writeFile(join(directory, 'lock'), String(process.pid));

    const { code, stderr } = await run('status', '--json');

    expect(code).toBe(1);
    expect(stderr).toContain(`Another logpoint-onboard command (process ${process.pid}) is using the sandbox`);
    await expect(stat(join(directory, 'state.json'))).rejects.toThrow();
  });

  it('takes over the lock of a command that died, and releases its own when it ends', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    await writeFile(join(directory, 'lock'), String(dead));

    const { code } = await run('status', '--json');

    expect(code).toBe(0);
    await expect(stat(join(directory, 'lock'))).rejects.toThrow();
  });

  it('keeps its state readable by the owner only', async () => {
    await run('status', '--json');

    expect((await stat(directory)).mode & 0o777).toBe(0o700);
    expect((await stat(join(directory, 'state.json'))).mode & 0o777).toBe(0o600);
  });

  it('stops on a state file it cannot read, naming `sandbox reset`, which then clears it', async () => {
    await writeFile(join(directory, 'state.json'), '{"version": 99}');

    const broken = await run('status', '--json');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('npx logpoint-onboard sandbox reset');
    expect(await readFile(join(directory, 'state.json'), 'utf8')).toBe('{"version": 99}');

    expect((await run('sandbox', 'reset', '--json')).code).toBe(0);
    expect((await run('status', '--json')).code).toBe(0);
  });

  it('sandbox reset is a usage error with --target aws (exit 2)', async () => {
    expect((await run('--target', 'aws', '--stack', 'S', 'sandbox', 'reset')).code).toBe(2);
  });
});

describe('starts through the starter', () => {
  it('find the run in progress instead of starting a second one for the account', async () => {
    const target = await openSandboxTarget({});
    try {
      const request = { action: 'onboard', accountId: '111122223333', trigger: 'test' } as const;
      const first = await target.start({ ...request, idempotencyKey: 'first' });
      // Once the run holds the account's lock, the starter sees it.
      while ((await target.sandbox.aws.fakes.dynamo.items(target.sandbox.aws.accountLockTable)).length === 0)
        await new Promise((resolve) => setTimeout(resolve, 5));

      const second = await target.start({ ...request, idempotencyKey: 'second' });
      const repeated = await target.start({ ...request, idempotencyKey: 'first' });

      expect(first.status).toBe('STARTED');
      expect(second).toMatchObject({ status: 'ALREADY_RUNNING', executionArn: first.executionArn });
      expect(repeated).toMatchObject({ status: 'ALREADY_STARTED', executionArn: first.executionArn });
      await target.sandbox.executions.settled();
      expect((await target.describeRun(first.executionArn)).status).toBe('SUCCEEDED');
      expect((await target.runs()).map((entry) => entry.executionArn)).toEqual([first.executionArn]);
    } finally {
      await target.close();
    }
  });
});
