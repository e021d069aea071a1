import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../lambda/contract/error-codes.js';
import { KeyRotationEventType } from '../../lambda/contract/events.js';
import { cloudTrailLogPrefix } from '../../local/aws/cloudtrail-fixtures.js';
import type { FetcherCredentials } from '../../local/director-simulator/index.js';
import { SANDBOX_ACCOUNT_ID, startSandbox, type Sandbox } from '../../local/sandbox/environment.js';
import { currentReaderKey, expectRunFreeOfSecrets, secretValuesWritten } from './support.js';

/**
 * A key rotation, run by the real rotation function against the sandbox, proves after its switch
 * that Director fetches with the new key, from Director's read-back as the onboarding does: the
 * `Key Rotation Succeeded` event carries the outcome, and a fetch that fails with the new key rolls
 * the rotation back (Director on the old key, which stays current; the new key removed).
 */

const input = { accountId: SANDBOX_ACCOUNT_ID, trigger: 'workflow-test' };
let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

function succeededEvent(box: Sandbox): Record<string, unknown> | undefined {
  return box.events.find((event) => event.detailType === KeyRotationEventType.Succeeded)?.detail;
}

function expectDirectorOn(box: Sandbox, key: { secretAccessKey: string }): void {
  const sources = box.director.logSources();
  expect(sources).toHaveLength(1);
  const id = sources[0]?.id;
  expect(id).toBeTypeOf('string');
  expect(box.director.connectorSecretMatches(id as string, key.secretAccessKey)).toBe(true);
}

describe('key rotation: the data plane after the switch', () => {
  it('with Director fetching, succeeds and reports dataPlane ONBOARDED in Key Rotation Succeeded', async () => {
    // Prepare
    const box = (sandbox = await startSandbox({ waitMs: 20, director: { orderDelayMs: 20 } }));
    expect((await box.run(input)).status).toBe('SUCCEEDED');
    const oldKey = currentReaderKey(box, SANDBOX_ACCOUNT_ID);

    // Act
    const rotation = await box.rotate(SANDBOX_ACCOUNT_ID);

    // Assess
    expect({ status: rotation.status, error: rotation.error }).toEqual({ status: 'SUCCEEDED', error: null });
    expect(succeededEvent(box)).toMatchObject({ dataPlane: { outcome: 'ONBOARDED', lastLogReceived: expect.any(String), fetchStatus: 'ok' } });
    const newKey = currentReaderKey(box, SANDBOX_ACCOUNT_ID);
    expect(newKey.accessKeyId).not.toBe(oldKey.accessKeyId);
    expectDirectorOn(box, newKey);
    expect(box.aws.summary().accessKeys.map((key) => key.accessKeyId)).toEqual([newKey.accessKeyId]);
    expectRunFreeOfSecrets(box, rotation, secretValuesWritten(box));
  });

  it('with no fetcher, succeeds after the bounded wait and reports dataPlane REGISTERED_NO_DATA_YET', async () => {
    // Prepare: the onboarding's own watch gives up at once, as nothing will ever fetch
    const box = (sandbox = await startSandbox({ waitMs: 20, fetcher: false, director: { orderDelayMs: 20 }, config: { dataFlow: { deadlineSeconds: 0 } } }));
    expect((await box.run(input)).status).toBe('SUCCEEDED');

    // Act
    const rotation = await box.rotate(SANDBOX_ACCOUNT_ID);

    // Assess
    expect({ status: rotation.status, error: rotation.error }).toEqual({ status: 'SUCCEEDED', error: null });
    expect(succeededEvent(box)).toMatchObject({ dataPlane: { outcome: 'REGISTERED_NO_DATA_YET', lastLogReceived: null, fetchStatus: null } });
    const newKey = currentReaderKey(box, SANDBOX_ACCOUNT_ID);
    expectDirectorOn(box, newKey);
    expect(box.aws.summary().accessKeys.map((key) => key.accessKeyId)).toEqual([newKey.accessKeyId]);
  });

  it('fails with ROTATION_FAILED (cause FETCH_FAILED) when Director cannot fetch with the new key, leaving the old key current and in Director', async () => {
    // Prepare: Director's fetcher signs faithfully with the onboarded key, but keeps a garbled
    // secret for any key it is given later, so S3 refuses its fetches with the rotated key
    let faithfulKeyIds: Set<string> | null = null;
    const signWith = (sent: FetcherCredentials): FetcherCredentials =>
      faithfulKeyIds === null || faithfulKeyIds.has(sent.accessKeyId) ? sent : { ...sent, secretAccessKey: `${sent.secretAccessKey}-garbled` };
    const fetcher = {
      strategy: 'prefix-only' as const,
      intervalMs: 25,
      s3ClientFor: (sent: FetcherCredentials, region: string) => box.aws.s3ForCredentials(signWith(sent), { region }),
      scopePrefixOf: () => cloudTrailLogPrefix({}, SANDBOX_ACCOUNT_ID),
    };
    const box: Sandbox = (sandbox = await startSandbox({ waitMs: 20, director: { orderDelayMs: 20, fetcher } }));
    expect((await box.run(input)).status).toBe('SUCCEEDED');
    const oldKey = currentReaderKey(box, SANDBOX_ACCOUNT_ID);
    faithfulKeyIds = new Set([oldKey.accessKeyId]);
    const eventsBefore = box.events.length;

    // Act
    const rotation = await box.rotate(SANDBOX_ACCOUNT_ID);

    // Assess
    expect(rotation.status).toBe('FAILED');
    expect(rotation.error?.code).toBe(ErrorCode.ROTATION_FAILED);
    expect(rotation.error?.message).toContain(`[${ErrorCode.FETCH_FAILED}]`);
    expect(rotation.error?.message).toContain('error: SignatureDoesNotMatch listing s3://');
    expect(box.events.slice(eventsBefore)).toMatchObject([
      {
        detailType: KeyRotationEventType.Failed,
        detail: { step: 'testSecret', errorCode: ErrorCode.FETCH_FAILED, rollback: { director: 'restored', complete: true } },
      },
    ]);
    expect(succeededEvent(box)).toBeUndefined();
    expect(currentReaderKey(box, SANDBOX_ACCOUNT_ID).accessKeyId).toBe(oldKey.accessKeyId);
    expectDirectorOn(box, oldKey);
    expect(box.aws.summary().accessKeys.map((key) => key.accessKeyId)).toEqual([oldKey.accessKeyId]);
    const [afterRollback] = (await box.director.fetcher?.runOnce()) ?? [];
    expect(afterRollback?.fetchStatus).toBe('ok');
    expectRunFreeOfSecrets(box, rotation, secretValuesWritten(box));
  });
});
