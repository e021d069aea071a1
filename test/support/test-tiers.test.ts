import { globSync } from 'tinyglobby';
import { describe, expect, it } from 'vitest';
import { UNIT_TESTS, UNIT_TESTS_NEEDING_A_SANDBOX, WORKFLOW_TESTS, WORKFLOW_TESTS_NEEDING_FRESH_MODULES } from '../test-tiers.js';

/**
 * `npm run test:unit` and `npm run test:workflow` together run every test file once: a new test
 * folder that neither tier names would silently run in `npm test` only.
 */

const root = new URL('../../', import.meta.url).pathname;
const files = (patterns: readonly string[], ignore: readonly string[] = []) => globSync([...patterns], { cwd: root, ignore: [...ignore] }).sort();
const source = async (file: string): Promise<string> => (await import('node:fs/promises')).readFile(`${root}${file}`, 'utf8');

describe('the test tiers', () => {
  it('put every test file in exactly one of unit and workflow', () => {
    const unit = files(UNIT_TESTS, UNIT_TESTS_NEEDING_A_SANDBOX);
    const workflow = files([...WORKFLOW_TESTS, ...UNIT_TESTS_NEEDING_A_SANDBOX]);

    expect(unit.filter((file) => workflow.includes(file))).toEqual([]);
    expect([...unit, ...workflow].sort()).toEqual(files(['test/**/*.test.ts']));
  });

  it('keep out of the unit tier every file that starts the workflow sandbox, the CLI or a CDK synthesis', async () => {
    const { readFile } = await import('node:fs/promises');
    const unit = files(UNIT_TESTS, UNIT_TESTS_NEEDING_A_SANDBOX);
    const heavy = /startSandbox|openSandboxTarget|synthesizeWorkflows|new App\(|Template\.fromStack/;
    const offenders: string[] = [];
    for (const file of unit) if (heavy.test(await readFile(`${root}${file}`, 'utf8'))) offenders.push(file);

    expect(offenders).toEqual([]);
  });

  it('isolate every workflow file that needs fresh modules, and only workflow files', async () => {
    const workflow = files([...WORKFLOW_TESTS, ...UNIT_TESTS_NEEDING_A_SANDBOX]);
    const isolated = files(WORKFLOW_TESTS_NEEDING_FRESH_MODULES);
    // What needs a module loaded afresh: re-importing after an environment change, or the battery's INFO level.
    const needsFreshModules = /vi\.resetModules|info-logs\.js/;
    const shared: string[] = [];
    for (const file of workflow.filter((name) => !isolated.includes(name))) if (needsFreshModules.test(await source(file))) shared.push(file);

    expect(isolated.length).toBeGreaterThan(0);
    expect(isolated.filter((file) => !workflow.includes(file))).toEqual([]);
    expect(shared).toEqual([]);
  });

  it('leave nothing behind for the next file of a shared worker: no hooks registered on import, no SDK client class left mocked', async () => {
    const isolated = files(WORKFLOW_TESTS_NEEDING_FRESH_MODULES);
    const shared = files(['test/**/*.ts'], ['test/**/*.d.ts']).filter((file) => !isolated.includes(file));
    // A helper module loads once per worker: hooks it registers at its top level run in the first file that imports it only.
    const hookOnImport = /^(?:export )?(?:(?:const|let) \w+ = )?(?:beforeEach|afterEach|beforeAll|afterAll|use[A-Z]\w*|harnessPerTest)\(/m;
    // A class-level aws-sdk-client-mock replaces the client's prototype for every later file in the worker, until restored.
    const classMockNeverRestored = (text: string) => /mockClient\([A-Z]/.test(text) && !text.includes('.restore()');
    const offenders: string[] = [];
    for (const file of shared) {
      const text = await source(file);
      if ((!file.endsWith('.test.ts') && hookOnImport.test(text)) || classMockNeverRestored(text)) offenders.push(file);
    }

    expect(offenders).toEqual([]);
  });
});
