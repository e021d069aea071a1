import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_ACCOUNT_ID, startSandbox, type Sandbox, type SandboxOptions } from '../../local/sandbox/environment.js';
import { findScenario } from '../../local/sandbox/scenarios.js';
import { expectFailedWith } from './support.js';

/**
 * Adopting a log source made by hand from Logpoint's guide (issue 13 item 5): only when asked
 * (the run's `adopt`, or logSource.adoptExisting); then it is edited with the product's key and
 * marker, keeps its filter date, and is the product's from then on. Without the opt-in: NOT_OWNED,
 * saying how to adopt, and the source is left untouched.
 */

const ACCOUNT = SANDBOX_ACCOUNT_ID;
const HAND_MADE_FILTER_DATE = '2024-08-06T08:44:13.220Z';
let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

/** The sandbox of the `adopt` scenario: Director holds a hand-made `CloudTrail-<account>`. */
async function start(extra: Partial<SandboxOptions> = {}): Promise<Sandbox> {
  const scenario = findScenario('adopt');
  sandbox = await startSandbox({ waitMs: 20, ...scenario?.sandbox, ...extra });
  return sandbox;
}

const connectorOf = (source: Record<string, unknown> | undefined) => (source?.config as { Connector: Record<string, unknown> }).Connector;

describe('adopting a hand-made log source', () => {
  it('takes it over when the run asks: PUT with the product key and marker, its filter date kept, and later runs edit it as their own', async () => {
    const box = await start();
    const [before] = box.director.logSources();

    const adopted = await box.run({ accountId: ACCOUNT, adopt: true });
    const again = await box.run({ accountId: ACCOUNT });

    expect(adopted.error).toBeNull();
    expect(again.error).toBeNull();
    const [after] = box.director.logSources();
    expect(box.director.logSources()).toHaveLength(1);
    expect(after?.id).toBe(before?.id);
    expect(connectorOf(after).access_key).not.toBe('AKIAHANDMADEEXAMPLE1');
    expect(connectorOf(after).filter_date).toBe(HAND_MADE_FILTER_DATE);
    expect(after?.dc_metadata).toMatchObject({ managedBy: 'logpoint-cloudtrail-onboarding', awsAccountId: ACCOUNT });
    expect(box.director.operations.map((operation) => operation.split(' ')[0])).toEqual(['PUT', 'PUT']);
    expect(box.events.map((event) => event.detail.operation)).toEqual(['EDIT', 'EDIT']);
  });

  it('takes it over for every run when logSource.adoptExisting is set', async () => {
    const box = await start({ config: { logSource: { adoptExisting: true } } });

    const result = await box.run({ accountId: ACCOUNT });

    expect(result.error).toBeNull();
    expect(box.director.operations.map((operation) => operation.split(' ')[0])).toEqual(['PUT']);
  });

  it('without the opt-in fails NOT_OWNED, says how to adopt, and leaves the source as it was', async () => {
    const box = await start();
    const [before] = box.director.logSources();

    const result = await box.run({ accountId: ACCOUNT });

    expectFailedWith(box, result, 'NOT_OWNED');
    expect(result.error?.message).toContain('logSource.adoptExisting');
    expect(result.error?.message).toContain('"adopt": true');
    // (The simulated fetcher keeps noting its attempts on every source; what the operator made is unchanged.)
    const [after] = box.director.logSources();
    expect([after?.id, after?.description, connectorOf(after).access_key, connectorOf(after).filter_date]).toEqual([
      before?.id,
      before?.description,
      'AKIAHANDMADEEXAMPLE1',
      HAND_MADE_FILTER_DATE,
    ]);
    // Only the create went out (it fails on the taken name); nothing edited or deleted the hand-made source.
    expect(box.director.operations.filter((operation) => !operation.startsWith('POST '))).toEqual([]);
  });
});
