import { UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import { KeyRotationEventType } from '../../../lambda/contract/events.js';
import { TagKey } from '../../../lambda/contract/names.js';
import type { RuntimeSettings } from '../../../lambda/contract/runtime-settings.js';
import { timeoutsWithin } from '../../../lambda/rotation/rotate-access-key.handler.js';
import { KeyRotationError } from '../../../lambda/rotation/rotation-errors.js';
import { createSecretStep, finishSecretStep, runRotationStep, setSecretStep, testSecretStep } from '../../../lambda/rotation/rotation-steps.js';
import { RotationStep, type RotationRequest, type RotationStepResult } from '../../../lambda/rotation/rotation-types.js';
import { describeAccountSecret } from '../../../lambda/shared/account-secret.js';
import { tagAccountSecret } from '../../../lambda/shared/account-secret-tags.js';
import type { FetcherCredentials, JsonObject } from '../../../local/director-simulator/index.js';
import { ACCOUNT, BUCKET, SECRET, TEST_TIMEOUTS, USER, findLeaks, rejectionOf, startRotationFixture } from './key-rotation-fixture.js';
import type { RotationFixture, RotationFixtureOptions } from './key-rotation-fixture.js';

/**
 * Key rotation confirms the data plane after its switch, as the onboarding does after registering:
 * from Director's read-back (`last_log_received`, `fetch_status`, `last_fetch_attempt`), counting
 * only what is later than the signals recorded when the switch's order succeeded. testSecret waits,
 * bounded, for a fetch with the new key: a failed one rolls the rotation back (FETCH_FAILED), a
 * successful one is ONBOARDED, none is REGISTERED_NO_DATA_YET. finishSecret looks once more and
 * never deletes the old key after a failed fetch. Director's fetcher runs here only when a test
 * asks (`fetchRound()`) or the rotation pauses, so every case is decided by the order of events.
 */

let fixture: RotationFixture;
let onboarded: { accessKeyId: string; logSourceId: string };

async function start(options: RotationFixtureOptions = {}): Promise<void> {
  fixture = await startRotationFixture(options);
  onboarded = await fixture.onboard();
}

afterEach(async () => {
  await fixture.stop();
});

const rotation = (): RotationRequest => ({ secretId: SECRET, clientRequestToken: randomUUID() });

/** createSecret and setSecret: Director uses the new key, whose id is returned. */
async function switchDirector(request: RotationRequest): Promise<string> {
  const created = await createSecretStep(fixture.context(), request);
  await setSecretStep(fixture.context(), request);
  fixture.rememberIssuedSecrets();
  return created.accessKeyId ?? '';
}

/** A Director that stores every key after the onboarded one with a garbled secret: S3 refuses its fetches with them. */
const garblingNewSecrets = (sent: FetcherCredentials): FetcherCredentials =>
  sent.accessKeyId === onboarded.accessKeyId ? sent : { accessKeyId: sent.accessKeyId, secretAccessKey: `${sent.secretAccessKey}-garbled` };

function withRotationWait(seconds: number): RuntimeSettings {
  return { ...fixture.settings, dataFlow: { ...fixture.settings.dataFlow, rotationWaitSeconds: seconds } };
}

/** A pause that lets no fetch round run: only what Director reported before counts. */
const pauseWithoutFetching = (): Promise<void> => Promise.resolve();

async function switchRecord(): Promise<string | undefined> {
  return (await describeAccountSecret(fixture.aws.secretsManager, ACCOUNT))?.tags[TagKey.directorSwitch];
}

function readBack(): { lastLogReceived: string | null; lastFetchAttempt: string | null; fetchStatus: string | null } {
  const source = fixture.logSources()[0] ?? {};
  const connector = ((source.config ?? {}) as JsonObject).Connector as JsonObject | undefined;
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  return { lastLogReceived: text(source.last_log_received), lastFetchAttempt: text(connector?.last_fetch_attempt), fetchStatus: text(connector?.fetch_status) };
}

function directorUsesSecretOf(accessKeyId: string): boolean {
  return fixture.director.connectorSecretMatches(onboarded.logSourceId, fixture.aws.fakes.iam.revealSecretAccessKeyForTest(accessKeyId));
}

async function rotationError(promise: Promise<unknown>): Promise<KeyRotationError> {
  const error = await rejectionOf(promise);
  if (!(error instanceof KeyRotationError)) throw error;
  return error;
}

function expectNoLeaks(...values: unknown[]): void {
  expect(findLeaks(fixture.rememberIssuedSecrets(), ...values, fixture.events(), fixture.logger.lines)).toEqual([]);
}

describe('setSecretStep: the switch', () => {
  it("records Director's fetch signals at the switch on the secret, so every later step and retry counts from the same point", async () => {
    // Prepare
    await start({ fetcher: {} });
    await fixture.fetchRound();
    const before = readBack();

    // Act
    const newKeyId = await switchDirector(rotation());

    // Assess
    expect(before.lastLogReceived).not.toBeNull();
    expect(await switchRecord()).toBe(`${newKeyId} ${before.lastLogReceived} ${before.lastFetchAttempt}`);
  });
});

describe('testSecretStep: Director fetching with the new key', () => {
  it('confirms ONBOARDED without waiting when Director reports a successful fetch with the new key since the switch', async () => {
    // Prepare
    await start({ fetcher: {} });
    await fixture.fetchRound();
    const request = rotation();
    const newKeyId = await switchDirector(request);
    await fixture.fetchRound();

    // Act
    const result = await testSecretStep(fixture.context(), request);

    // Assess
    expect(result).toMatchObject({ action: 'verified', accessKeyId: newKeyId, testedCurrentKey: false });
    expect(result.dataPlane).toEqual({ outcome: 'ONBOARDED', lastLogReceived: readBack().lastLogReceived, fetchStatus: 'ok' });
    expect(fixture.sleeps).toEqual([]);
    expect(fixture.events()).toEqual([]);
  });

  it('waits, backing off, until Director reports a fetch with the new key, then confirms ONBOARDED', async () => {
    // Prepare: Director has never fetched; its next round comes with the rotation's first pause
    await start({ fetcher: {} });
    const request = rotation();
    await switchDirector(request);

    // Act
    const result = await testSecretStep(fixture.context(), request);

    // Assess
    expect(fixture.sleeps).toEqual([TEST_TIMEOUTS.dataPlaneInitialDelayMs]);
    expect(result.dataPlane).toMatchObject({ outcome: 'ONBOARDED', fetchStatus: 'ok' });
    expect(result.dataPlane?.lastLogReceived).toEqual(expect.any(String));
  });

  it('proceeds as REGISTERED_NO_DATA_YET, with a warning, when Director reports no fetch within the bounded wait', async () => {
    // Prepare
    await start();
    const request = rotation();
    const newKeyId = await switchDirector(request);

    // Act
    const tested = await testSecretStep(fixture.context({ settings: withRotationWait(20) }), request);
    const finished = await finishSecretStep(fixture.context(), request);

    // Assess: pauses grow and end with the wait
    expect(fixture.sleeps).toEqual([2_000, 4_000, 8_000, 6_000]);
    expect(tested.dataPlane).toEqual({ outcome: 'REGISTERED_NO_DATA_YET', lastLogReceived: null, fetchStatus: null });
    expect(fixture.logger.lines.some((line) => line.startsWith('WARN Director reported no fetch with the new key within 20000 ms'))).toBe(true);
    expect(finished).toMatchObject({ action: 'promoted', accessKeyId: newKeyId, dataPlane: { outcome: 'REGISTERED_NO_DATA_YET' } });
    expect(fixture.keyIds()).toEqual([newKeyId]);
    expect(fixture.events()).toMatchObject([
      { detailType: KeyRotationEventType.Succeeded, detail: { dataPlane: { outcome: 'REGISTERED_NO_DATA_YET', lastLogReceived: null, fetchStatus: null } } },
    ]);
  });

  it('never waits longer than the invocation leaves after the IAM wait and a rollback, whatever the setting', async () => {
    // Prepare
    await start();
    const request = rotation();
    await switchDirector(request);
    // A 65-second invocation: half for the IAM wait, half for a rollback's order wait, nothing left over.
    const timeouts = { ...TEST_TIMEOUTS, dataPlaneBudgetMs: timeoutsWithin(65_000).dataPlaneBudgetMs };

    // Act
    const result = await testSecretStep(fixture.context({ settings: withRotationWait(600), timeouts }), request);

    // Assess
    expect(timeoutsWithin(300_000).dataPlaneBudgetMs).toBe(85_000);
    expect(timeouts.dataPlaneBudgetMs).toBe(0);
    expect(fixture.sleeps).toEqual([]);
    expect(result.dataPlane?.outcome).toBe('REGISTERED_NO_DATA_YET');
  });

  it('a failed fetch with the new key fails with FETCH_FAILED and rolls back: Director back on the old key, which still exists, the new key deleted', async () => {
    // Prepare: Director fetches with the onboarded key, and keeps a garbled secret for the new one
    await start({ fetcher: { signWith: garblingNewSecrets } });
    await fixture.fetchRound();
    const request = rotation();
    const newKeyId = await switchDirector(request);

    // Act
    const error = await rotationError(testSecretStep(fixture.context(), request));

    // Assess
    expect(error).toMatchObject({ code: ErrorCode.ROTATION_FAILED, causeCode: ErrorCode.FETCH_FAILED, step: 'testSecret' });
    expect(error.details).toMatchObject({ causeCode: ErrorCode.FETCH_FAILED });
    expect(error.message).toContain(`error: SignatureDoesNotMatch listing s3://${BUCKET}/AWSLogs/${ACCOUNT}/CloudTrail/`);
    expect(error.details.rollback).toEqual({ director: 'restored', deletedAccessKeyId: newKeyId, pendingLabelRemoved: true, complete: true, problems: [] });
    expect(fixture.directorAccessKey()).toBe(onboarded.accessKeyId);
    expect(directorUsesSecretOf(onboarded.accessKeyId)).toBe(true);
    expect(fixture.keyIds()).toEqual([onboarded.accessKeyId]);
    expect(fixture.secretKeyId('AWSCURRENT')).toBe(onboarded.accessKeyId);
    expect(Object.values(fixture.stagesByVersion()).flat()).not.toContain('AWSPENDING');
    expect(await switchRecord()).toBe('');
    expect(fixture.events()).toMatchObject([
      { detailType: KeyRotationEventType.Failed, detail: { step: 'testSecret', errorCode: ErrorCode.FETCH_FAILED, rollback: { director: 'restored' } } },
    ]);
    expect(String(fixture.events()[0]?.detail.errorMessage)).toContain('SignatureDoesNotMatch');
    const [afterRollback] = await fixture.fetchRound();
    expect(afterRollback?.fetchStatus).toBe('ok');
    expectNoLeaks(error, error.details);
  });

  it('called again with the same token after a fetch failure rolled it back, changes nothing and reports nothing new', async () => {
    // Prepare
    await start({ fetcher: { signWith: garblingNewSecrets } });
    const request = rotation();
    await switchDirector(request);
    await rejectionOf(testSecretStep(fixture.context(), request));
    const eventsBefore = fixture.events().length;

    // Act
    const error = await rotationError(testSecretStep(fixture.context(), request));

    // Assess
    expect(error.message).toContain('rolled back');
    expect(fixture.events()).toHaveLength(eventsBefore);
    expect(fixture.directorAccessKey()).toBe(onboarded.accessKeyId);
    expect(fixture.keyIds()).toEqual([onboarded.accessKeyId]);
  });

  it('called again with the same token (a Secrets Manager retry) counts from the same switch: a fetch seen once still confirms', async () => {
    // Prepare
    await start({ fetcher: {} });
    await fixture.fetchRound();
    const request = rotation();
    await switchDirector(request);
    await fixture.fetchRound();
    const first = await testSecretStep(fixture.context(), request);

    // Act: no fetch happens during the retry
    const retry = await testSecretStep(fixture.context({ sleep: pauseWithoutFetching }), request);

    // Assess
    expect(first.dataPlane?.outcome).toBe('ONBOARDED');
    expect(retry).toMatchObject({ action: 'verified', dataPlane: { outcome: 'ONBOARDED', fetchStatus: 'ok' } });
    expect(fixture.director.operations.filter((operation) => operation.startsWith('PUT'))).toHaveLength(1);
    expect(fixture.events()).toEqual([]);
  });

  it('without a switch recorded by setSecret, counts from its own first look and records it, so a retry counts from there too', async () => {
    // Prepare: the onboarded key's fetch is Director's last signal, and the record of the switch is lost
    await start({ fetcher: {} });
    await fixture.fetchRound();
    const request = rotation();
    const newKeyId = await switchDirector(request);
    await tagAccountSecret(fixture.aws.secretsManager, ACCOUNT, { directorSwitch: '' });
    const atFirstLook = readBack();

    // Act
    const first = await testSecretStep(fixture.context({ settings: withRotationWait(4), sleep: pauseWithoutFetching }), request);
    const recorded = await switchRecord();
    await fixture.fetchRound();
    const retry = await testSecretStep(fixture.context({ sleep: pauseWithoutFetching }), request);

    // Assess
    expect(first.dataPlane?.outcome).toBe('REGISTERED_NO_DATA_YET');
    expect(atFirstLook.lastLogReceived).not.toBeNull();
    expect(recorded).toBe(`${newKeyId} ${atFirstLook.lastLogReceived} ${atFirstLook.lastFetchAttempt}`);
    expect(retry.dataPlane?.outcome).toBe('ONBOARDED');
    expect(fixture.logger.lines.some((line) => line.startsWith('WARN No fetch signals were recorded at the switch'))).toBe(true);
  });
});

describe('finishSecretStep: one more look before the old key goes', () => {
  it('refuses to promote or delete the old key after a failed fetch with the new key since the switch, and completes once a fetch succeeds', async () => {
    // Prepare: testSecret saw the new key fetch; then the key is deactivated and Director's next fetch fails
    await start({ fetcher: {} });
    await fixture.fetchRound();
    const request = rotation();
    const newKeyId = await switchDirector(request);
    await fixture.fetchRound();
    expect((await testSecretStep(fixture.context(), request)).dataPlane?.outcome).toBe('ONBOARDED');
    await fixture.aws.iam.send(new UpdateAccessKeyCommand({ UserName: USER, AccessKeyId: newKeyId, Status: 'Inactive' }));
    await fixture.fetchRound();

    // Act
    const error = await rotationError(finishSecretStep(fixture.context(), request));

    // Assess: nothing moved, nothing deleted
    expect(error).toMatchObject({ causeCode: ErrorCode.FETCH_FAILED, step: 'finishSecret' });
    expect(error.message).toContain('error: InvalidAccessKeyId listing');
    expect(error.message).toContain(`The old key ${onboarded.accessKeyId} is not deleted`);
    expect(fixture.keyIds()).toEqual([onboarded.accessKeyId, newKeyId]);
    expect(fixture.secretKeyId('AWSCURRENT')).toBe(onboarded.accessKeyId);
    expect(fixture.stagesByVersion()[request.clientRequestToken]).toEqual(['AWSPENDING']);
    expect(fixture.directorAccessKey()).toBe(newKeyId);
    expect(fixture.events()).toMatchObject([{ detailType: KeyRotationEventType.Failed, detail: { step: 'finishSecret', errorCode: ErrorCode.FETCH_FAILED } }]);

    // Act / Assess: the key works again, Director's next fetch succeeds, and the retry finishes
    await fixture.aws.iam.send(new UpdateAccessKeyCommand({ UserName: USER, AccessKeyId: newKeyId, Status: 'Active' }));
    await fixture.fetchRound();
    const retry = await finishSecretStep(fixture.context(), request);
    expect(retry).toMatchObject({ action: 'promoted', retiredAccessKeyIds: [onboarded.accessKeyId], dataPlane: { outcome: 'ONBOARDED', fetchStatus: 'ok' } });
    expect(fixture.keyIds()).toEqual([newKeyId]);
    expectNoLeaks(error, error.details, retry);
  });
});

describe('a full rotation', () => {
  it('publishes Key Rotation Succeeded with dataPlane ONBOARDED when Director fetched with the new key after the switch', async () => {
    // Prepare
    await start({ fetcher: {} });
    await fixture.fetchRound();
    const request = rotation();

    // Act
    const results: RotationStepResult[] = [];
    for (const step of [RotationStep.CreateSecret, RotationStep.SetSecret, RotationStep.TestSecret, RotationStep.FinishSecret]) {
      results.push(await runRotationStep(fixture.context(), { ...request, step }));
    }

    // Assess
    const newKeyId = results[0]?.accessKeyId ?? '';
    expect(results.map((result) => result.dataPlane?.outcome ?? null)).toEqual([null, null, 'ONBOARDED', 'ONBOARDED']);
    expect(fixture.keyIds()).toEqual([newKeyId]);
    expect(fixture.events()).toEqual([
      {
        source: 'logpoint.onboarding',
        detailType: KeyRotationEventType.Succeeded,
        detail: {
          accountId: ACCOUNT,
          secretName: SECRET,
          versionId: request.clientRequestToken,
          accessKeyId: newKeyId,
          retiredAccessKeyIds: [onboarded.accessKeyId],
          logSourceId: onboarded.logSourceId,
          dataPlane: { outcome: 'ONBOARDED', lastLogReceived: readBack().lastLogReceived, fetchStatus: 'ok' },
        },
      },
    ]);
    expectNoLeaks(results);
  });
});
