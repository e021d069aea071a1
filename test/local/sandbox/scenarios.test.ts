import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../local/sandbox/environment.js';
import { summarize, type ScenarioSummary } from '../../../local/sandbox/report.js';
import { findScenario, playScenario, scenarios } from '../../../local/sandbox/scenarios.js';

/**
 * Every `npm start` scenario, played in-process exactly as the CLI plays it, checked against the
 * `--json` summary it would print. The CLI itself is covered by cli.test.ts.
 */

const ACCOUNT = '111122223333';
const USER = `cloudtrail-reader-${ACCOUNT}`;
const SECRET = `logpoint/cloudtrail/${ACCOUNT}`;

let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

async function play(name: string): Promise<ScenarioSummary> {
  const scenario = findScenario(name);
  if (!scenario) throw new Error(`no scenario ${name}`);
  sandbox = await startSandbox({ waitMs: 20, ...scenario.sandbox });
  const runs = await playScenario(scenario, sandbox);
  return await summarize(scenario, sandbox, runs, scenario.accountId ?? ACCOUNT);
}

type LogSourceRead = { id: string; name: string; config: { Source: { interval: number }; Connector: { access_key: string } } };
const logSources = (summary: ScenarioSummary): LogSourceRead[] => summary.director.logSources as LogSourceRead[];
const writes = (summary: ScenarioSummary): string[] => summary.director.operations.map((operation) => operation.split(' ')[0] ?? '');

describe('sandbox scenarios', () => {
  it.each(scenarios.map((scenario) => [scenario.name, scenario.expected] as const))('%s ends %s', async (name, expected) => {
    const summary = await play(name);

    expect(summary.status).toBe(expected);
    expect(summary.error === null).toBe(expected === 'SUCCEEDED');
  });

  it('rerun-changed: the config change reaches Director through a PUT of the same source, never a second one', async () => {
    const summary = await play('rerun-changed');

    expect(writes(summary)).toEqual(['POST', 'PUT']);
    expect(logSources(summary)).toHaveLength(1);
    expect(logSources(summary)[0]?.config.Source.interval).toBe(15);
    expect(summary.runs.map((run) => (run.output as { operation?: string }).operation)).toEqual(['CREATE', 'EDIT']);
  });

  it('rotate: Director holds the new key, the old key is gone and there is still exactly one source', async () => {
    const summary = await play('rotate');

    const onboardedKey = (summary.runs[0]?.output as { accessKeyId: string }).accessKeyId;
    const [source] = logSources(summary);
    expect(logSources(summary)).toHaveLength(1);
    expect(source?.config.Connector.access_key).not.toBe(onboardedKey);
    expect(summary.aws.accessKeys).toEqual([{ userName: USER, accessKeyId: source?.config.Connector.access_key, status: 'Active' }]);
    expect(summary.events.map((event) => event.detailType)).toContain('Key Rotation Succeeded');
  });

  it('rotate-fails: the old key stays active and in Director, the new key is removed, the failure is reported', async () => {
    const summary = await play('rotate-fails');

    const onboardedKey = (summary.runs[0]?.output as { accessKeyId: string }).accessKeyId;
    expect(summary.error?.code).toBe('ROTATION_FAILED');
    expect(logSources(summary)[0]?.config.Connector.access_key).toBe(onboardedKey);
    expect(summary.aws.accessKeys).toEqual([{ userName: USER, accessKeyId: onboardedKey, status: 'Active' }]);
    expect(summary.events.map((event) => event.detailType)).toContain('Key Rotation Failed');
  });

  it('offboard: the log source is deleted in Director, the reader is gone and the secret waits out its recovery window', async () => {
    const summary = await play('offboard');

    expect(writes(summary)).toEqual(['POST', 'DELETE']);
    expect(logSources(summary)).toEqual([]);
    expect(summary.aws.users).toEqual([]);
    expect(summary.aws.accessKeys).toEqual([]);
    expect(summary.aws.secretsScheduledForDeletion).toEqual([SECRET]);
  });

  it('offboard-unknown: succeeds for an account that was never onboarded and says so', async () => {
    const summary = await play('offboard-unknown');

    expect(summary.runs[0]?.output).toMatchObject({ neverOnboarded: true, logSourceDeleted: false, deletedUser: false });
    expect(summary.director.operations).toEqual([]);
  });

  it('no-data-yet: succeeds as REGISTERED_NO_DATA_YET when Director never reports a fetch, and says so in the event', async () => {
    const summary = await play('no-data-yet');

    expect(summary.status).toBe('SUCCEEDED');
    expect(summary.dataPlane).toEqual({ outcome: 'REGISTERED_NO_DATA_YET', lastLogReceived: null, fetchStatus: null });
    expect(summary.events[0]?.detail).toMatchObject({ dataPlane: { outcome: 'REGISTERED_NO_DATA_YET' } });
  });

  it('fetch-refused: fails with FETCH_FAILED naming the refused listing, and keeps the source and the key Director holds', async () => {
    const summary = await play('fetch-refused');

    expect(summary.error?.code).toBe('FETCH_FAILED');
    expect(summary.error?.message).toMatch(/AccessDenied listing s3:\/\/[\w-]+\/AWSLogs\/o-\w+\/000011112222\//);
    expect(summary.dataPlane).toMatchObject({ outcome: 'FETCH_FAILED', fetchStatus: expect.stringContaining('000011112222') });
    expect(logSources(summary)).toHaveLength(1);
    expect(summary.aws.accessKeys).toHaveLength(1);
    expect(summary.aws.secrets).toContain(SECRET);
  });

  it('onboard: the summary shows data flowing (ONBOARDED, a last log received, fetch status ok)', async () => {
    const summary = await play('onboard');

    expect(summary.dataPlane).toEqual({ outcome: 'ONBOARDED', lastLogReceived: expect.any(String), fetchStatus: 'ok' });
  });

  it('not-owned: the hand-made source is neither edited nor deleted, and the run removes what it created', async () => {
    const summary = await play('not-owned');

    expect(summary.error?.code).toBe('NOT_OWNED');
    // Nothing is listed before a first create: the create's order fails on the taken name, and nothing else is written.
    expect(summary.director.operations).toHaveLength(1);
    expect(summary.director.operations[0]).toMatch(/^POST \/configapi\/\w+\/\w+\/LogSources$/);
    expect(logSources(summary)).toHaveLength(1);
    expect(logSources(summary)[0]?.config.Connector.access_key).toBe('AKIAHANDMADEEXAMPLE1');
    expect(summary.aws.users).toEqual([]);
    expect(summary.aws.secrets).not.toContain(SECRET);
  });
});
