import { afterEach, describe, expect, it } from 'vitest';
import { DIRECTOR_PROFILES } from '../../local/director-simulator/index.js';
import { SANDBOX_ACCOUNT_ID, startSandbox, type Sandbox } from '../../local/sandbox/environment.js';
import { currentReaderKey, secretValuesWritten, expectRunFreeOfSecrets } from './support.js';

/**
 * The product against every plausible Director (local/director-simulator/profiles.ts): ids bare or
 * `LogSources/<uuid>`, `access_key` read back plain, masked or not at all, lists stale until
 * refreshlist, tokens with or without `exp`, a secretKey that changes on every refresh, every order
 * path form, unknown extra fields. Per profile, the life of one account — onboard, re-run, rotate,
 * offboard — ends as it must, with one log source on the key the secret holds. (The full scenario
 * set runs on the default profile in the other workflow tests.)
 */

let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

/** Director's one log source of the account holds the secret's current key (its secret part compared by the simulator). */
function expectDirectorOnCurrentKey(box: Sandbox): void {
  const sources = box.director.logSources();
  expect(sources).toHaveLength(1);
  const id = sources[0]?.id;
  expect(id).toBeTypeOf('string');
  const key = currentReaderKey(box, SANDBOX_ACCOUNT_ID);
  expect(box.director.connectorSecretMatches(id as string, key.secretAccessKey)).toBe(true);
  expect(box.aws.summary().accessKeys.map((entry) => entry.accessKeyId)).toEqual([key.accessKeyId]);
}

describe.each(Object.keys(DIRECTOR_PROFILES))('the account lifecycle against the "%s" Director profile', (profile) => {
  it('onboards, re-runs with a new key, rotates and offboards, Director always on the live key and nothing left at the end', async () => {
    // Prepare
    const box = (sandbox = await startSandbox({ waitMs: 1, director: { profile, orderDelayMs: 20 } }));
    const input = { accountId: SANDBOX_ACCOUNT_ID, trigger: 'profile-test' };

    // Act / Assess: first onboarding
    const first = await box.run(input);
    expect({ status: first.status, error: first.error }).toEqual({ status: 'SUCCEEDED', error: null });
    expectDirectorOnCurrentKey(box);

    // Act / Assess: a re-run edits the same source with a new key and retires the old one
    const firstKey = currentReaderKey(box, SANDBOX_ACCOUNT_ID).accessKeyId;
    const rerun = await box.run(input);
    expect({ status: rerun.status, error: rerun.error }).toEqual({ status: 'SUCCEEDED', error: null });
    expect(currentReaderKey(box, SANDBOX_ACCOUNT_ID).accessKeyId).not.toBe(firstKey);
    expectDirectorOnCurrentKey(box);

    // Act / Assess: a rotation switches Director without reading access_key back
    const rotation = await box.rotate(SANDBOX_ACCOUNT_ID);
    expect({ status: rotation.status, error: rotation.error }).toEqual({ status: 'SUCCEEDED', error: null });
    expectDirectorOnCurrentKey(box);

    // Act / Assess: offboarding removes the source, the reader and its keys
    const offboarding = await box.offboard(input);
    expect({ status: offboarding.status, error: offboarding.error }).toEqual({ status: 'SUCCEEDED', error: null });
    expect(box.director.logSources()).toEqual([]);
    expect(box.aws.summary()).toMatchObject({ users: [], accessKeys: [] });
    for (const run of [first, rerun, rotation, offboarding]) expectRunFreeOfSecrets(box, run, secretValuesWritten(box));
  });
});
