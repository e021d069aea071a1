import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scenarios } from '../../../local/sandbox/scenarios.js';

/**
 * `npm start` (local/sandbox/cli.ts) as the contract describes it, in a separate process
 * exactly as `npm start --` runs it. Each spawn synthesizes the app and starts the stand-ins, so
 * the file keeps to a handful of them.
 */

const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
const SPAWN_DEADLINE_MS = 90_000;
const SLOW_TEST_TIMEOUT_MS = 100_000;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const started: ChildProcess[] = [];

/** Kills the CLI's process group (npx → tsx → node), by the id of the group this test started. */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function runSandboxCli(args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'local/sandbox/cli.ts', ...args], { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const deadline = setTimeout(() => {
      killGroup(child);
      reject(new Error(`npm start -- ${args.join(' ')} did not finish within ${SPAWN_DEADLINE_MS} ms.\n${stdout}\n${stderr}`));
    }, SPAWN_DEADLINE_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(deadline);
      resolve({ code, stdout, stderr });
    });
  });
}

const CONTRACT_KEYS = ['scenario', 'status', 'error', 'accountId', 'transitions', 'director', 'aws'];

interface Summary {
  scenario: string;
  status: string;
  error: { code: string; message: string } | null;
  accountId: string;
  transitions: number;
  director: { logSources: { id: string; config: { Connector: Record<string, unknown> } }[]; operations: string[] };
  aws: { users: string[]; accessKeys: { userName: string; accessKeyId: string; status: string }[]; secrets: string[]; calls: Record<string, number> };
}

/** The last stdout line must be one JSON object holding at least the contract's keys. */
function lastLineSummary(stdout: string): Summary {
  const lastLine = stdout.trimEnd().split('\n').at(-1) ?? '';
  const summary = JSON.parse(lastLine) as Summary;
  expect(summary).toBeTypeOf('object');
  expect(Object.keys(summary)).toEqual(expect.arrayContaining(CONTRACT_KEYS));
  expect(Object.keys(summary.director)).toEqual(expect.arrayContaining(['logSources', 'operations']));
  expect(Object.keys(summary.aws)).toEqual(expect.arrayContaining(['users', 'accessKeys', 'secrets']));
  expect(summary.accountId).toMatch(/^\d{12}$/);
  expect(summary.transitions).toBeGreaterThan(0);
  for (const key of summary.aws.accessKeys) expect(Object.keys(key).sort()).toEqual(['accessKeyId', 'status', 'userName']);
  return summary;
}

// A secret access key is exactly 40 base64 characters; longer runs (URL paths of hex ids) are not one.
const AWS_SECRET_LIKE = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/;
const JWT_LIKE = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./;
const FORBIDDEN_FIELDS = new Set(['secretAccessKey', 'SecretAccessKey', 'secretKey', 'token', 'SecretString']);

/** Every `secret_key` in the JSON is masked, and no field that would carry a secret is present. */
function expectSecretFieldsMasked(value: unknown, path = '$'): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => expectSecretFieldsMasked(item, `${path}[${index}]`));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, child] of Object.entries(value)) {
    expect(FORBIDDEN_FIELDS.has(key), `${path}.${key} must not be in the summary`).toBe(false);
    if (key === 'secret_key') expect(child, `${path}.${key}`).toMatch(/^\*+$/);
    else expectSecretFieldsMasked(child, `${path}.${key}`);
  }
}

function expectNoSecretLookingText(run: CliRun): void {
  for (const [stream, text] of [
    ['stdout', run.stdout],
    ['stderr', run.stderr],
  ] as const) {
    expect(AWS_SECRET_LIKE.exec(text)?.[0].length, `${stream} holds a 40-character secret-like string`).toBeUndefined();
    expect(JWT_LIKE.test(text), `${stream} holds a JWT`).toBe(false);
  }
}

describe('npm start (local sandbox CLI)', () => {
  afterAll(() => {
    for (const child of started.splice(0)) killGroup(child);
  });

  it(
    '--help lists every scenario and the options, and exits 0',
    async () => {
      // Act
      const run = await runSandboxCli(['--help']);

      // Assess
      expect(run.code).toBe(0);
      for (const scenario of scenarios) expect(run.stdout).toMatch(new RegExp(`^\\s+${scenario.name}\\s`, 'm'));
      for (const option of ['--scenario', '--json', '--help']) expect(run.stdout).toContain(option);
      for (const required of ['onboard', 'org-trail', 'kms', 'rerun', 'bucket-missing', 'no-logs', 'order-fails', 'order-timeout', 'director-down']) {
        expect(scenarios.map((scenario) => scenario.name)).toContain(required);
      }
    },
    SLOW_TEST_TIMEOUT_MS,
  );

  it(
    '--json onboards the sample account: exit 0, last line is the contract summary with one POST, and no secret in the output',
    async () => {
      // Act
      const run = await runSandboxCli(['--json']);

      // Assess
      expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
      const summary = lastLineSummary(run.stdout);
      expect(summary).toMatchObject({ scenario: 'onboard', status: 'SUCCEEDED', error: null });
      expect(summary.director.operations).toHaveLength(1);
      expect(summary.director.operations[0]).toMatch(/^POST \/configapi\/.+\/LogSources$/);
      expect(summary.director.logSources).toHaveLength(1);
      expect(summary.aws.users).toEqual([`cloudtrail-reader-${summary.accountId}`]);
      expect(summary.aws.accessKeys).toEqual([
        { userName: `cloudtrail-reader-${summary.accountId}`, accessKeyId: expect.stringMatching(/^AKIA/), status: 'Active' },
      ]);
      expect(summary.director.logSources[0]?.config.Connector.access_key).toBe(summary.aws.accessKeys[0]?.accessKeyId);
      expect(summary.aws.secrets).toContain(`logpoint/cloudtrail/${summary.accountId}`);
      expectSecretFieldsMasked(summary);
      expectNoSecretLookingText(run);
    },
    SLOW_TEST_TIMEOUT_MS,
  );

  it(
    '--scenario order-fails --json exits 1 with DIRECTOR_ORDER_FAILED and leaves no reader user, key or account secret',
    async () => {
      // Act
      const run = await runSandboxCli(['--scenario', 'order-fails', '--json']);

      // Assess
      expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 1 });
      const summary = lastLineSummary(run.stdout);
      expect(summary).toMatchObject({ scenario: 'order-fails', status: 'FAILED', error: { code: 'DIRECTOR_ORDER_FAILED' } });
      expect(summary.aws.users).toEqual([]);
      expect(summary.aws.accessKeys).toEqual([]);
      expect(summary.aws.secrets.filter((name) => name.startsWith('logpoint/cloudtrail/'))).toEqual([]);
      expect(summary.director.logSources).toEqual([]);
      expectSecretFieldsMasked(summary);
      expectNoSecretLookingText(run);
    },
    SLOW_TEST_TIMEOUT_MS,
  );

  it(
    '--scenario rerun --json edits the log source on the second run: POST then PUT, one log source, one key',
    async () => {
      // Act
      const run = await runSandboxCli(['--scenario', 'rerun', '--json']);

      // Assess
      expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
      const summary = lastLineSummary(run.stdout);
      expect(summary).toMatchObject({ scenario: 'rerun', status: 'SUCCEEDED', error: null });
      expect(summary.director.operations.map((operation) => operation.split(' ')[0])).toEqual(['POST', 'PUT']);
      const [logSource] = summary.director.logSources;
      expect(summary.director.logSources).toHaveLength(1);
      expect(summary.director.operations[1]).toMatch(new RegExp(`/LogSources/(LogSources/)?${logSource?.id.replace('LogSources/', '') ?? '-'}$`));
      expect(summary.aws.accessKeys).toHaveLength(1);
      expect(logSource?.config.Connector.access_key).toBe(summary.aws.accessKeys[0]?.accessKeyId);
      expectSecretFieldsMasked(summary);
      expectNoSecretLookingText(run);
    },
    SLOW_TEST_TIMEOUT_MS,
  );

  it(
    "--scenario rotate --json adds aws.calls: the handlers' AWS calls per operation, rotation's PutEvents included",
    async () => {
      // Act
      const run = await runSandboxCli(['--scenario', 'rotate', '--json']);

      // Assess
      expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
      const summary = lastLineSummary(run.stdout);
      expect(summary).toMatchObject({ scenario: 'rotate', status: 'SUCCEEDED' });
      expect(summary.aws.calls).toMatchObject({ 'IAM.CreateUser': 1, 'IAM.CreateAccessKey': 2, 'IAM.DeleteAccessKey': 1, 'EventBridge.PutEvents': 1 });
      expect(summary.aws.calls['S3.GetObject']).toBeGreaterThanOrEqual(2);
      for (const [call, count] of Object.entries(summary.aws.calls)) {
        expect(call).toMatch(/^(IAM|SecretsManager|S3|EventBridge|DynamoDB)\.[A-Z][A-Za-z0-9]+$/);
        expect(count).toBeGreaterThan(0);
      }
      expectSecretFieldsMasked(summary);
      expectNoSecretLookingText(run);
    },
    SLOW_TEST_TIMEOUT_MS,
  );

  it(
    '--matrix runs the named scenario against every Director profile, prints the table, and ends --json with every combination',
    async () => {
      // Act: a scenario that fails before Director is reached, so the ten sandboxes stay quick.
      const run = await runSandboxCli(['--matrix', '--scenario', 'bucket-missing', '--json']);

      // Assess
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('| `bucket-missing` | FAILED (BUCKET_NOT_FOUND) | ✔ |');
      const summary = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '') as { ok: boolean; combinations: number; cells: { directorProfile: string }[] };
      expect(summary).toMatchObject({ ok: true, combinations: 10 });
      expect(summary.cells.map((cell) => cell.directorProfile)).toContain('v27-docs');
    },
    SLOW_TEST_TIMEOUT_MS,
  );

  it(
    'an unknown scenario exits 2 and names the known scenarios on stderr',
    async () => {
      // Act
      const run = await runSandboxCli(['--scenario', 'no-such-scenario', '--json']);

      // Assess
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('no-such-scenario');
      expect(run.stderr).toContain('onboard');
      expect(run.stdout).toBe('');
    },
    SLOW_TEST_TIMEOUT_MS,
  );
});
