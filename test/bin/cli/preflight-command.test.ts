import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cliOutput } from '../../../bin/cli/io.js';
import { main } from '../../../bin/cli/main.js';
import { runPreflight } from '../../../bin/cli/preflight-command.js';
import { openSandboxTarget } from '../../../bin/cli/sandbox-target.js';
import type { PreflightReport } from '../../../lambda/preflight/report.js';
import { captureStreams } from './support.js';

/**
 * `logpoint-onboard preflight`: every check that can fail an onboarding, against the sandbox
 * target, creating nothing; `--json` prints one document on stdout and nothing else there; the
 * exit code says whether an onboarding would get past the checks (1) or the command line was
 * wrong (2).
 */

let directory: string | undefined;
// The CLI's own sandbox directory for this file: a test never touches the repository's `.sandbox/`.
let sandboxDirectory = '';
beforeAll(async () => {
  sandboxDirectory = await mkdtemp(path.join(tmpdir(), 'preflight-sandbox-'));
});
afterAll(async () => {
  await rm(sandboxDirectory, { recursive: true, force: true });
});
afterEach(async () => {
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  directory = undefined;
});

const capture = captureStreams;

async function overridesFile(overrides: Record<string, unknown>): Promise<string> {
  directory = await mkdtemp(path.join(tmpdir(), 'preflight-test-'));
  const file = path.join(directory, 'overrides.json');
  await writeFile(file, JSON.stringify(overrides));
  return file;
}

describe('logpoint-onboard preflight', () => {
  it('passes against the sandbox, printing one JSON report on stdout with every check, and exits 0', async () => {
    const streams = capture();

    const code = await main(['preflight', '--json'], streams, { sandboxDirectory });

    expect(code).toBe(0);
    const report = JSON.parse(streams.text().stdout) as PreflightReport & { target: string; subject: string };
    expect(report).toMatchObject({ ok: true, target: 'sandbox', subject: '111122223333' });
    expect(report.checks.map((check) => [check.id, check.status])).toEqual([
      ['director.connection', 'pass'],
      ['director.charset', 'pass'],
      ['director.normalizers', 'pass'],
      ['director.repos', 'pass'],
      ['director.enrichment', 'skip'],
      ['trail.bucket', 'pass'],
      ['trail.kms', 'pass'],
    ]);
    expect(streams.text().stderr).toContain('Preflight passed for 111122223333');
  });

  it('fails with the missing catch-all repo named and its fix, exit 1, and creates nothing', async () => {
    const configFile = await overridesFile({ logSource: { routing: { catchAll: 'no-such-repo' } } });
    const target = await openSandboxTarget({ configFile });
    const streams = capture();
    try {
      const code = await runPreflight(target, cliOutput(streams, true), {});

      expect(code).toBe(1);
      const report = JSON.parse(streams.text().stdout) as PreflightReport;
      const repos = report.checks.find((check) => check.id === 'director.repos');
      expect(repos).toMatchObject({ status: 'fail', code: 'DIRECTOR_VALIDATION_FAILED', detail: 'Director has no repo "no-such-repo" (catch-all)' });
      expect(repos?.fix).toContain('logSource.routing.catchAll');
      expect(target.sandbox.director.operations).toEqual([]);
      expect(target.sandbox.aws.summary()).toMatchObject({ users: [], accessKeys: [] });
    } finally {
      await target.close();
    }
  });

  it('names what is missing from the trail bucket and from the normalizers, each with its fix', async () => {
    const configFile = await overridesFile({
      trail: { trailPrefix: 'elsewhere' },
      logSource: { normalizers: [{ name: 'NoSuchNormalizer', type: 'compiled' }] },
    });
    const streams = capture();

    const code = await main(['--config', configFile, 'preflight', '--json'], streams, { sandboxDirectory });

    expect(code).toBe(1);
    const report = JSON.parse(streams.text().stdout) as PreflightReport;
    expect(report.checks.find((check) => check.id === 'director.normalizers')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('NoSuchNormalizer'),
    });
    expect(report.checks.find((check) => check.id === 'trail.bucket')).toMatchObject({ status: 'fail', fix: expect.any(String) });
    expect(streams.text().stderr).toMatch(/✖ .*\n {4}fix: /);
  });

  it("checks an SSE-KMS trail's key policy: one that defers to the account passes, one that leaves it out fails with the fix", async () => {
    const preflightWith = async (kmsKeyPolicy?: Record<string, unknown>) => {
      const target = await openSandboxTarget({ sandbox: { trail: { encryption: 'SSE-KMS', ...(kmsKeyPolicy ? { kmsKeyPolicy } : {}) } } });
      try {
        const streams = capture();
        const code = await runPreflight(target, cliOutput(streams, true), {});
        return { code, kms: (JSON.parse(streams.text().stdout) as PreflightReport).checks.find((check) => check.id === 'trail.kms') };
      } finally {
        await target.close();
      }
    };
    const keyAdminOnly = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/KeyAdmin' }, Action: 'kms:*', Resource: '*' }],
    };

    expect(await preflightWith()).toMatchObject({ code: 0, kms: { status: 'pass' } });
    expect(await preflightWith(keyAdminOnly)).toMatchObject({
      code: 1,
      kms: { status: 'fail', fix: expect.stringContaining('arn:aws:iam::111122223333:root') },
    });
  });

  it('reports an unreachable Director as one failed check, the lookups that depend on it skipped', async () => {
    const configFile = await overridesFile({ director: { baseUrl: 'http://127.0.0.1:9', requestTimeoutMs: 1000 } });
    const streams = capture();

    const code = await main(['--config', configFile, 'preflight', '--json'], streams, { sandboxDirectory });

    expect(code).toBe(1);
    const report = JSON.parse(streams.text().stdout) as PreflightReport;
    expect(report.checks.slice(0, 5).map((check) => [check.id, check.status])).toEqual([
      ['director.connection', 'fail'],
      ['director.charset', 'skip'],
      ['director.normalizers', 'skip'],
      ['director.repos', 'skip'],
      ['director.enrichment', 'skip'],
    ]);
    expect(report.checks[0]?.fix).toContain('director.baseUrl');
  });

  it('exits 2 on a wrong command line, without starting anything', async () => {
    const unknown = capture();
    const badTarget = capture();

    expect(await main(['no-such-command'], unknown, { sandboxDirectory })).toBe(2);
    expect(await main(['--target', 'moon', 'preflight'], badTarget, { sandboxDirectory })).toBe(2);
    expect(badTarget.text().stderr).toContain('moon');
  });
});
