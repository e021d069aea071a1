import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../bin/cli/main.js';
import type { FollowedRun } from '../../../bin/cli/run-follow.js';
import { SAMPLE_MEMBER_ACCOUNTS } from '../../../bin/cli/sandbox-target.js';
import type { AccountStatus } from '../../../bin/cli/status-command.js';
import { captureStreams } from './support.js';

/**
 * An operator's session against the sandbox target, one command after another as separate
 * invocations sharing only the sandbox directory: preflight, plan --all, onboard --all --wait,
 * status, offboard --wait, status, rotate, sandbox reset. Each prints one JSON document whose
 * content matches what happened, so the sandbox's state really carries over between commands.
 */

const MANAGEMENT = '111122223333';
const ALL_ACTIVE = [MANAGEMENT, ...SAMPLE_MEMBER_ACCOUNTS];
const OFFBOARDED = SAMPLE_MEMBER_ACCOUNTS[0];
let sandboxDirectory = '';
/** Everything every command printed, on either stream. */
const printed: string[] = [];

async function run(...args: string[]): Promise<{ code: number; document: Record<string, unknown>; stdout: string; stderr: string }> {
  const streams = captureStreams();
  const code = await main([...args, '--json'], streams, { sandboxDirectory });
  const { stdout, stderr } = streams.text();
  printed.push(stdout, stderr);
  // --json: one JSON document on stdout and nothing else.
  return { code, document: JSON.parse(stdout) as Record<string, unknown>, stdout, stderr };
}

const statesOf = (document: Record<string, unknown>) =>
  Object.fromEntries((document.accounts as AccountStatus[]).map((account) => [account.accountId, account.state]));

beforeAll(async () => {
  sandboxDirectory = await mkdtemp(join(tmpdir(), 'logpoint-onboard-session-'));
});
afterAll(async () => {
  await rm(sandboxDirectory, { recursive: true, force: true });
});

describe('an operator session against the sandbox', () => {
  it('preflight passes and creates nothing', async () => {
    const { code, document } = await run('preflight');

    expect(code).toBe(0);
    expect(document).toMatchObject({ target: 'sandbox', ok: true });
  });

  it('plan --all plans a first onboarding of every ACTIVE account (the suspended one left out)', async () => {
    const { code, document } = await run('plan', '--all');

    expect(code).toBe(0);
    const plans = document.plans as Array<{ subject: string; director: { operation: string } }>;
    expect(plans.map((plan) => plan.subject)).toEqual(ALL_ACTIVE);
    expect(plans.every((plan) => plan.director.operation === 'POST')).toBe(true);
  });

  it('onboard --all --wait starts one run per account through the starter and follows each to SUCCEEDED', async () => {
    const { code, document, stderr } = await run('onboard', '--all', '--wait');

    expect(code).toBe(0);
    const runs = document.runs as FollowedRun[];
    expect(runs.map((entry) => entry.accountId)).toEqual(ALL_ACTIVE);
    for (const entry of runs) {
      expect(entry).toMatchObject({ start: 'STARTED', outcome: { status: 'SUCCEEDED', workflow: 'onboard' } });
      // The starter names the run after its account and the request.
      expect(entry.executionName).toMatch(new RegExp(`^onboard-${entry.accountId}-[0-9a-f]{16}$`));
    }
    expect(document).toMatchObject({ waited: true, ok: true, notStarted: [] });
    // The people's lines (progress, summary) went to stderr.
    expect(stderr).toContain('onboard: 4 succeeded, 0 did not.');
  });

  it('status shows every onboarded account ONBOARDED with its source, key age and onboarding run', async () => {
    const { code, document } = await run('status');

    expect(code).toBe(0);
    expect(statesOf(document)).toEqual(Object.fromEntries(ALL_ACTIVE.map((id) => [id, 'ONBOARDED'])));
    const [first] = document.accounts as AccountStatus[];
    expect(first).toMatchObject({ logSourceName: `CloudTrail-${MANAGEMENT}`, keyAgeDays: 0, timeline: [{ workflow: 'onboard', status: 'SUCCEEDED' }] });
  });

  it('a second onboard plan is a PUT to the source the first one made (the state carried over)', async () => {
    const { document } = await run('plan', '--account', MANAGEMENT);

    expect((document.plans as Array<{ director: { operation: string } }>)[0]?.director.operation).toBe('PUT');
  });

  it('offboard --account --wait removes one account, and status then shows it OFFBOARDED, the others untouched', async () => {
    const offboard = await run('offboard', '--account', OFFBOARDED, '--wait');

    expect(offboard.code).toBe(0);
    expect(offboard.document.runs).toMatchObject([{ accountId: OFFBOARDED, start: 'STARTED', outcome: { status: 'SUCCEEDED', workflow: 'offboard' } }]);

    const status = await run('status');
    expect(statesOf(status.document)).toEqual({ ...Object.fromEntries(ALL_ACTIVE.map((id) => [id, 'ONBOARDED'])), [OFFBOARDED]: 'OFFBOARDED' });
    const offboarded = (status.document.accounts as AccountStatus[]).find((account) => account.accountId === OFFBOARDED);
    expect(offboarded?.timeline.map((entry) => `${entry.workflow} ${entry.status}`)).toEqual(['onboard SUCCEEDED', 'offboard SUCCEEDED']);
  });

  it('rotate --account promotes a new key, and status --account shows the rotation in the timeline', async () => {
    const account = SAMPLE_MEMBER_ACCOUNTS[1];
    const before = (await run('status', '--account', account)).document.accounts as AccountStatus[];

    const rotation = await run('rotate', '--account', account);

    expect(rotation.code).toBe(0);
    expect(rotation.document).toMatchObject({ action: 'rotate', accountId: account, ok: true, outcome: { status: 'SUCCEEDED' } });
    const after = (await run('status', '--account', account)).document.accounts as AccountStatus[];
    expect(after[0]?.accessKeyId).not.toBe(before[0]?.accessKeyId);
    expect(after[0]?.timeline.map((entry) => `${entry.workflow} ${entry.status}`)).toEqual(['onboard SUCCEEDED', 'rotate SUCCEEDED']);
  });

  it('rotate refuses an offboarded account (exit 1) without starting anything', async () => {
    const { code, document } = await run('rotate', '--account', OFFBOARDED);

    expect(code).toBe(1);
    expect(document).toMatchObject({ ok: false, outcome: { status: 'NOT_STARTED' } });
  });

  it('status --failed lists no account when none failed', async () => {
    const { document } = await run('status', '--failed');

    expect(document.accounts).toEqual([]);
  });

  it('never printed a secret: no reader secret access key, no Director secretKey, no secret_key the sandbox holds', async () => {
    // The sandbox's own storage holds them (as IAM, Secrets Manager and Director would): collect them there.
    const secrets = new Set<string>();
    const collect = (value: unknown, key = ''): void => {
      if (typeof value === 'string') {
        if (/^(secretAccessKey|secretKey|secret_key)$/.test(key) && value.length >= 16) secrets.add(value);
        if (key === 'secretString') collect(JSON.parse(value) as unknown);
      } else if (Array.isArray(value)) value.forEach((entry) => collect(entry));
      else if (typeof value === 'object' && value !== null) for (const [name, entry] of Object.entries(value)) collect(entry, name);
    };
    collect(JSON.parse(await readFile(join(sandboxDirectory, 'state.json'), 'utf8')) as unknown);

    expect(secrets.size).toBeGreaterThanOrEqual(4);
    const output = printed.join('\n');
    expect([...secrets].filter((secret) => output.includes(secret))).toEqual([]);
  });

  it('sandbox reset forgets it all: the next status finds an empty registry', async () => {
    const reset = await run('sandbox', 'reset');
    expect(reset.document).toMatchObject({ reset: true, hadState: true });

    const { document } = await run('status');
    expect(document.accounts).toEqual([]);
  });
});
