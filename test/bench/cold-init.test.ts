import { mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coldInitFigures } from '../../bench/cold-init.js';

/**
 * The mechanics of the cold-init bench (bench/cold-init.ts), one run per module: which SDK clients
 * each baseline gets, that every module bundles and loads, and that nothing is left behind. Not
 * timed: no assertion reads ms or a ratio, which depend on the machine.
 */

const CACHE_DIR = path.join(import.meta.dirname, '..', '..', 'node_modules', '.cache');

/** The bench's temporary directories present now. */
async function benchTempDirs(): Promise<string[]> {
  const entries = await readdir(CACHE_DIR).catch(() => []);
  return entries.filter((name) => name.startsWith('cold-init-'));
}

describe('cold init figures', () => {
  it('measures a real entry point against its baselines, with its declared clients', async () => {
    const before = await benchTempDirs();
    const handlers = ['onboarding/validate-input.handler.ts', 'onboarding/verify-access.handler.ts'];
    const skipped: string[] = [];

    const figures = await coldInitFigures({ runs: 1, only: handlers, onSkip: (handler) => skipped.push(handler) });

    expect(skipped).toEqual([]);
    expect(figures.map((figure) => figure.function)).toEqual(handlers);
    for (const figure of figures) {
      expect(Object.keys(figure).sort()).toEqual(
        ['baselineBytes', 'baselineMs', 'bytes', 'declared', 'emptyMs', 'function', 'ms', 'ratio', 'ratioVsEmpty', 'sdkClients'].sort(),
      );
      expect(figure.bytes).toBeGreaterThan(0);
      expect(figure.baselineBytes).toBeGreaterThan(0);
      for (const value of [figure.ms, figure.baselineMs, figure.emptyMs, figure.ratio, figure.ratioVsEmpty]) expect(Number.isFinite(value)).toBe(true);
      expect(figure.sdkClients).toEqual([...new Set(figure.sdkClients)].sort());
      for (const sdkPackage of figure.sdkClients) expect(sdkPackage).toMatch(/^@aws-sdk\/[a-z0-9-]+$/);
    }
    // Once a handler declares awsClients, its baseline has exactly the clients declared.
    const [validateInput, verifyAccess] = figures;
    expect(validateInput?.declared).toBe('awsClients' in (await import('../../lambda/onboarding/validate-input.handler.js')));
    expect(verifyAccess?.declared).toBe('awsClients' in (await import('../../lambda/onboarding/verify-access.handler.js')));
    expect(validateInput?.declared ? validateInput.sdkClients : []).toEqual([]);
    expect(verifyAccess?.declared ? verifyAccess.sdkClients : ['@aws-sdk/client-s3', '@aws-sdk/client-secrets-manager']).toEqual([
      '@aws-sdk/client-s3',
      '@aws-sdk/client-secrets-manager',
    ]);
    expect(await benchTempDirs()).toEqual(before);
  });

  it('refuses an entry point that does not exist', async () => {
    await expect(coldInitFigures({ runs: 1, only: ['onboarding/no-such-step.handler.ts'] })).rejects.toThrow(/no such entry point/);
  });

  describe('on handlers made for the test', () => {
    let lambdaDir: string;

    beforeAll(async () => {
      lambdaDir = await mkdtemp(path.join(os.tmpdir(), 'cold-init-fixture-'));
      // So that the undeclared handler's @aws-sdk import resolves when the bench imports it.
      await symlink(path.join(CACHE_DIR, '..'), path.join(lambdaDir, 'node_modules'), 'dir');
      const handler = 'export async function handler() {\n  return null;\n}\n';
      await writeFile(
        path.join(lambdaDir, 'declares.handler.ts'),
        `export const awsClients = { s3: 1, s3ForCredentials: 1, director: 1, secretsManager: 1, dynamo: 1 };\n${handler}`,
      );
      await writeFile(
        path.join(lambdaDir, 'undeclared.handler.ts'),
        `import { SFNClient } from '@aws-sdk/client-sfn';\nconst sfn = () => new SFNClient({});\nexport async function handler() {\n  return sfn().config.serviceId;\n}\nexport const later = () => import('@aws-sdk/client-iam');\n`,
      );
      await writeFile(path.join(lambdaDir, 'throws.handler.ts'), `throw new Error('this module fails at import');\n`);
      await writeFile(path.join(lambdaDir, 'unknown-client.handler.ts'), `export const awsClients = { kinesis: 1 };\n${handler}`);
    });

    afterAll(async () => {
      await rm(lambdaDir, { recursive: true, force: true });
    });

    it('maps declared clients to their SDK packages, deduplicated and sorted', async () => {
      const [figure] = await coldInitFigures({ runs: 1, lambdaDir, only: ['declares.handler.ts'] });

      expect(figure?.declared).toBe(true);
      expect(figure?.sdkClients).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/client-s3', '@aws-sdk/client-secrets-manager']);
      expect(figure?.baselineBytes).toBeGreaterThan(0);
    });

    it('falls back to the packages the bundle imports statically when the handler declares none, and marks it so', async () => {
      const [figure] = await coldInitFigures({ runs: 1, lambdaDir, only: ['undeclared.handler.ts'] });

      expect(figure?.declared).toBe(false);
      expect(figure?.sdkClients).toEqual(['@aws-sdk/client-sfn']);
    });

    it('skips a handler that throws at import or declares an unknown client, and measures the rest', async () => {
      const before = await benchTempDirs();
      const skipped: Array<{ handler: string; message: string }> = [];

      const figures = await coldInitFigures({
        runs: 1,
        lambdaDir,
        only: ['declares.handler.ts', 'throws.handler.ts', 'unknown-client.handler.ts'],
        onSkip: (handler, error) => skipped.push({ handler, message: error instanceof Error ? error.message : String(error) }),
      });

      expect(figures.map((figure) => figure.function)).toEqual(['declares.handler.ts']);
      expect(skipped).toEqual([
        { handler: 'throws.handler.ts', message: 'this module fails at import' },
        { handler: 'unknown-client.handler.ts', message: expect.stringContaining('awsClients.kinesis') },
      ]);
      expect(await benchTempDirs()).toEqual(before);
    });
  });
});
