import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, it } from 'vitest';

const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
const CLI = 'local/director-simulator/cli.ts';
const LISTENING = /^Director simulator listening on (http:\/\/127\.0\.0\.1:(\d+)) pool=([0-9a-f]{32}) logpoint=([0-9a-f]{32})$/;

interface RunningCli {
  child: ChildProcess;
  /** Everything printed to stdout once the first line is complete. */
  firstLine: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: ChildProcess[] = [];

/** Own process group (detached), so the test can end npx and every child it started, by group id. */
function startCli(command: string, args: string[]): RunningCli {
  const child = spawn(command, args, { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let stdout = '';
  let stderr = '';
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (stdout.includes('\n')) resolve(stdout);
    });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('exit', () => reject(new Error(`CLI exited before printing a line: ${stderr}`)));
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, firstLine, exited };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

const runCli = promisify(execFile);

// Concurrent: each case waits on a process start, not on the CPU. Each test ends its own process;
// afterAll only catches what a failed test left behind.
describe.concurrent('Director simulator CLI', () => {
  afterAll(() => {
    for (const child of started.splice(0)) signalGroup(child, 'SIGKILL');
  });

  it('started with npx tsx --port 0 prints exactly one line with the real port, serves the API with --token, and applies fault flags', async ({ expect }) => {
    // Prepare
    const cli = startCli('npx', [
      'tsx',
      CLI,
      '--port',
      '0',
      '--token',
      'cli-test-token',
      '--order-delay-ms',
      '20',
      '--fail-route',
      'POST /LogSources',
      '--fail-status',
      '503',
      '--fail-count',
      '1',
    ]);

    // Act
    const printed = await cli.firstLine;
    const [, baseUrl = '', port = '', pool = '', logpoint = ''] = LISTENING.exec(printed.trimEnd()) ?? [];
    const headers = { Authorization: 'Bearer cli-test-token', 'Content-Type': 'application/json' };
    const charsets = await fetch(`${baseUrl}/configapi/${pool}/${logpoint}/Charsets`, { headers });
    const unauthenticated = await fetch(`${baseUrl}/configapi/${pool}/${logpoint}/Charsets`);
    const injected = await fetch(`${baseUrl}/configapi/${pool}/${logpoint}/LogSources`, { method: 'POST', headers, body: '{}' });
    const validated = await fetch(`${baseUrl}/configapi/${pool}/${logpoint}/LogSources`, { method: 'POST', headers, body: '{}' });

    // Assess
    expect(printed).toMatch(/^[^\n]+\n$/);
    expect(printed.trimEnd()).toMatch(LISTENING);
    expect(Number(port)).toBeGreaterThan(0);
    expect(charsets.status).toBe(200);
    expect(unauthenticated.status).toBe(401);
    expect(injected.status).toBe(503);
    expect(validated.status).toBe(400);
    signalGroup(cli.child, 'SIGTERM');
    await cli.exited;
  });

  it('closes cleanly with exit code 0 on SIGTERM and SIGINT', async ({ expect }) => {
    const runs = [startCli(process.execPath, ['--import', 'tsx', CLI, '--port', '0']), startCli(process.execPath, ['--import', 'tsx', CLI, '--port', '0'])];
    await Promise.all(runs.map((run) => run.firstLine));

    signalGroup(runs[0]!.child, 'SIGTERM');
    signalGroup(runs[1]!.child, 'SIGINT');
    const exits = await Promise.all(runs.map((run) => run.exited));

    expect(exits).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
  });

  it('--help lists every flag', async ({ expect }) => {
    const { stdout } = await runCli(process.execPath, ['--import', 'tsx', CLI, '--help'], { cwd: REPO_ROOT });

    for (const flag of [
      '--port',
      '--token',
      '--secret-key',
      '--pool',
      '--logpoint',
      '--order-delay-ms',
      '--order-path-style',
      '--token-ttl',
      '--fail-route',
      '--fail-status',
      '--fail-count',
      '--latency-ms',
      '--drop-count',
      '--throttle-count',
      '--retry-after',
      '--fail-orders',
      '--never-finish-orders',
      '--rate-limit',
      '--help',
    ]) {
      expect(stdout).toContain(flag);
    }
  });

  it('--list-profiles prints each profile name and exits 0; --profile runs that profile', async ({ expect }) => {
    // Prepare
    const cli = startCli(process.execPath, ['--import', 'tsx', CLI, '--port', '0', '--profile', 'noisy', '--token', 'cli-profile-token']);

    // Act
    const { stdout } = await runCli(process.execPath, ['--import', 'tsx', CLI, '--list-profiles'], { cwd: REPO_ROOT });
    const [, baseUrl = '', , pool = '', logpoint = ''] = LISTENING.exec((await cli.firstLine).trimEnd()) ?? [];
    const headers = { Authorization: 'Bearer cli-profile-token', 'Content-Type': 'application/json' };
    const charsets = await fetch(`${baseUrl}/configapi/${pool}/${logpoint}/Charsets`, { headers });

    // Assess
    for (const name of ['default', 'v27-docs', 'masked-readback', 'stale-lists', 'no-exp-tokens', 'rotating-secret-key', 'v1-paths', 'noisy']) {
      expect(stdout).toMatch(new RegExp(`^${name} `, 'm'));
    }
    expect(((await charsets.json()) as Record<string, unknown>[])[0]).toHaveProperty('unexpected_note');
    signalGroup(cli.child, 'SIGTERM');
    await cli.exited;
  });

  it('rejects an unknown flag with a clear message and exit code 2', async ({ expect }) => {
    const failure = await runCli(process.execPath, ['--import', 'tsx', CLI, '--bogus'], { cwd: REPO_ROOT }).then(
      () => undefined,
      (error: unknown) => error as { code: number; stderr: string },
    );

    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toMatch(/Unknown option '--bogus'/);
    expect(failure?.stderr).toMatch(/--help/);
  });
});
