import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `npx logpoint-onboard` is the package's bin (a shim that runs the TypeScript CLI through tsx):
 * run as its own process, as an operator would, `--json` leaves nothing on stdout but the one
 * document — the product functions' logs, which the sandbox runs in the same process, included.
 */

const run = promisify(execFile);
const BIN = new URL('../../../bin/logpoint-onboard.mjs', import.meta.url).pathname;
let sandboxDirectory = '';

beforeAll(async () => {
  sandboxDirectory = await mkdtemp(join(tmpdir(), 'logpoint-onboard-bin-'));
});
afterAll(async () => {
  await rm(sandboxDirectory, { recursive: true, force: true });
});

describe('the logpoint-onboard command', () => {
  it('onboards an account as a process of its own and prints only JSON on stdout, the sandbox kept in the directory it is given', async () => {
    // Without POWERTOOLS_LOG_LEVEL, as in an operator's shell: the functions' logs must not reach stdout.
    const { POWERTOOLS_LOG_LEVEL: _level, ...operatorEnvironment } = process.env;
    const env = { ...operatorEnvironment, LOGPOINT_ONBOARD_SANDBOX_DIR: sandboxDirectory };

    const onboard = await run(process.execPath, [BIN, 'onboard', '--account', '111122223333', '--wait', '--json'], { env });
    const status = await run(process.execPath, [BIN, 'status', '--json'], { env });

    expect(JSON.parse(onboard.stdout)).toMatchObject({ ok: true, runs: [{ accountId: '111122223333', outcome: { status: 'SUCCEEDED' } }] });
    expect(JSON.parse(status.stdout)).toMatchObject({ accounts: [{ accountId: '111122223333', state: 'ONBOARDED' }] });
    expect(onboard.stderr).toContain('onboard: 1 succeeded, 0 did not.');
  });
});
