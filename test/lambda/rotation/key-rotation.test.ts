import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateAccessKeyCommand, IAMServiceException, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { CreateSecretCommand, InternalServiceError, RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeAccountSecret, readAccessKey } from '../../../lambda/shared/account-secret.js';
import { KeyRotationError } from '../../../lambda/rotation/rotation-errors.js';
import { createSecretStep, finishSecretStep, runRotationStep, setSecretStep, testSecretStep } from '../../../lambda/rotation/rotation-steps.js';
import { accountIdOfSecretId } from '../../../lambda/rotation/rotation-target.js';
import { RotationStep } from '../../../lambda/rotation/rotation-types.js';
import type { RotationRequest, RotationStepResult } from '../../../lambda/rotation/rotation-types.js';
import { logSourceNameFor } from '../../../lambda/shared/log-source-body.js';
import { ACCOUNT, BUCKET, HOME_ACCOUNT, REGION, SECRET, USER, findLeaks, rejectionOf, startRotationFixture, watchKeyCount } from './key-rotation-fixture.js';
import type { RotationFixture, RotationFixtureOptions } from './key-rotation-fixture.js';
import { seedLogSourceBody } from '../../support/seed-log-source.js';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import { KeyRotationEventType } from '../../../lambda/contract/events.js';
import { enableAccountSecretRotation } from '../../../lambda/rotation/enable-rotation.js';
import { provisionReader } from '../../../lambda/onboarding/provisioning.js';

const ROTATION_LAMBDA_ARN = `arn:aws:lambda:${REGION}:${HOME_ACCOUNT}:function:rotate-access-key`;

let fixture: RotationFixture;
let onboarded: { accessKeyId: string; logSourceId: string };

async function start(options: RotationFixtureOptions = {}): Promise<void> {
  fixture = await startRotationFixture(options);
  onboarded = await fixture.onboard();
}

afterEach(async () => {
  await fixture.stop();
});

const rotation = (token = randomUUID()): RotationRequest => ({ secretId: SECRET, clientRequestToken: token });

async function rotationError(promise: Promise<unknown>): Promise<KeyRotationError> {
  const error = await rejectionOf(promise);
  if (!(error instanceof KeyRotationError)) throw error;
  return error;
}

/** createSecret + setSecret + testSecret + finishSecret, as Secrets Manager runs them. */
async function rotateFully(request: RotationRequest): Promise<RotationStepResult[]> {
  const results: RotationStepResult[] = [];
  for (const step of [RotationStep.CreateSecret, RotationStep.SetSecret, RotationStep.TestSecret, RotationStep.FinishSecret]) {
    results.push(await runRotationStep(fixture.context(), { ...request, step }));
    fixture.rememberIssuedSecrets();
  }
  return results;
}

function expectNoLeaks(...values: unknown[]): void {
  const secrets = fixture.issuedSecrets();
  expect(secrets.length).toBeGreaterThan(0);
  expect(findLeaks(secrets, ...values, fixture.events(), fixture.logger.lines)).toEqual([]);
}

function directorUsesSecretOf(accessKeyId: string): boolean {
  const secret = fixture.aws.fakes.iam.revealSecretAccessKeyForTest(accessKeyId);
  return fixture.director.connectorSecretMatches(onboarded.logSourceId, secret);
}

describe('full rotation', () => {
  beforeEach(() => start());

  it('gives Director the new key, deletes the old one, keeps exactly one log source and never holds more than two keys', async () => {
    // Prepare
    const highestKeyCount = watchKeyCount(fixture);
    const request = rotation();
    const sourceBefore = fixture.logSources()[0];

    // Act
    const results = await rotateFully(request);

    // Assess
    const newKeyId = results[0]?.accessKeyId ?? '';
    expect(results.map((result) => result.action)).toEqual(['created', 'director-updated', 'verified', 'promoted']);
    expect(newKeyId).not.toBe(onboarded.accessKeyId);
    expect(fixture.directorAccessKey()).toBe(newKeyId);
    expect(directorUsesSecretOf(newKeyId)).toBe(true);
    expect(fixture.logSources()).toHaveLength(1);
    expect(fixture.logSources()[0]).toMatchObject({ id: sourceBefore?.id, name: sourceBefore?.name });
    expect((fixture.logSources()[0]?.config as { Connector: { filter_date: string } }).Connector.filter_date).toBe(
      (sourceBefore?.config as { Connector: { filter_date: string } }).Connector.filter_date,
    );
    expect(fixture.keyIds()).toEqual([newKeyId]);
    expect(highestKeyCount()).toBeLessThanOrEqual(2);
    expect(fixture.secretKeyId('AWSCURRENT')).toBe(newKeyId);
    expect(fixture.secretKeyId('AWSPREVIOUS')).toBe(onboarded.accessKeyId);
    expect(fixture.stagesByVersion()[request.clientRequestToken]).toEqual(['AWSCURRENT']);
    expect(Object.values(fixture.stagesByVersion()).flat()).not.toContain('AWSPENDING');
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
          // No fetcher runs in this fixture by default (rotation-data-plane.test.ts covers the data plane).
          dataPlane: { outcome: 'REGISTERED_NO_DATA_YET', lastLogReceived: null, fetchStatus: null },
        },
      },
    ]);
    expectNoLeaks(results);
  });

  it('can rotate again afterwards: each rotation replaces the key Director uses', async () => {
    // Prepare
    const first = await rotateFully(rotation());

    // Act
    const second = await rotateFully(rotation());

    // Assess
    const secondKeyId = second[0]?.accessKeyId ?? '';
    expect(secondKeyId).not.toBe(first[0]?.accessKeyId);
    expect(fixture.directorAccessKey()).toBe(secondKeyId);
    expect(fixture.keyIds()).toEqual([secondKeyId]);
    expect(fixture.logSources()).toHaveLength(1);
  });

  it('every step called twice in a row (a Secrets Manager retry) ends in the same state as once', async () => {
    // Prepare
    const request = rotation();
    const highestKeyCount = watchKeyCount(fixture);

    // Act
    const actions: string[] = [];
    for (const step of [RotationStep.CreateSecret, RotationStep.SetSecret, RotationStep.TestSecret, RotationStep.FinishSecret]) {
      actions.push((await runRotationStep(fixture.context(), { ...request, step })).action);
      actions.push((await runRotationStep(fixture.context(), { ...request, step })).action);
      fixture.rememberIssuedSecrets();
    }

    // Assess
    expect(actions).toEqual([
      'created',
      'already-created',
      'director-updated',
      'director-already-updated',
      'verified',
      'verified',
      'promoted',
      'already-current',
    ]);
    const newKeyId = fixture.secretKeyId('AWSCURRENT') ?? '';
    expect(fixture.keyIds()).toEqual([newKeyId]);
    expect(fixture.directorAccessKey()).toBe(newKeyId);
    expect(fixture.logSources()).toHaveLength(1);
    expect(highestKeyCount()).toBeLessThanOrEqual(2);
    expect(fixture.director.operations.filter((operation) => operation.startsWith('PUT'))).toHaveLength(1);
  });
});

describe('createSecretStep', () => {
  beforeEach(() => start());

  it('stages a second key as AWSPENDING and leaves AWSCURRENT, Director and the old key alone', async () => {
    // Prepare
    const request = rotation();

    // Act
    const result = await createSecretStep(fixture.context(), request);

    // Assess
    expect(result).toMatchObject({ step: 'createSecret', action: 'created', accountId: ACCOUNT, secretName: SECRET, versionId: request.clientRequestToken });
    expect(fixture.keyIds()).toEqual([onboarded.accessKeyId, result.accessKeyId]);
    expect(fixture.secretKeyId('AWSCURRENT')).toBe(onboarded.accessKeyId);
    expect(fixture.secretKeyId('AWSPENDING')).toBe(result.accessKeyId);
    expect(fixture.stagesByVersion()[request.clientRequestToken]).toEqual(['AWSPENDING']);
    expect(fixture.directorAccessKey()).toBe(onboarded.accessKeyId);
    expect(fixture.events()).toEqual([]);
    fixture.rememberIssuedSecrets();
    expectNoLeaks(result);
  });

  it('called again with the same token finds its key and creates no other', async () => {
    // Prepare
    const request = rotation();
    const first = await createSecretStep(fixture.context(), request);
    fixture.aws.fakes.iam.mock.resetHistory();

    // Act
    const second = await createSecretStep(fixture.context(), request);

    // Assess
    expect(second).toMatchObject({ action: 'already-created', accessKeyId: first.accessKeyId });
    expect(fixture.aws.fakes.iam.mock).not.toHaveReceivedCommand(CreateAccessKeyCommand);
    expect(fixture.keyIds()).toHaveLength(2);
  });

  it('makes room by deleting an idle extra key, never the current one, so the user never holds three keys', async () => {
    // Prepare
    const extra = await fixture.aws.iam.send(new CreateAccessKeyCommand({ UserName: USER }));
    const highestKeyCount = watchKeyCount(fixture);

    // Act
    const result = await createSecretStep(fixture.context(), rotation());

    // Assess
    expect(fixture.keyIds()).toEqual([onboarded.accessKeyId, result.accessKeyId]);
    expect(fixture.keyIds()).not.toContain(extra.AccessKey?.AccessKeyId);
    expect(highestKeyCount()).toBe(2);
  });

  it('fails with ACCESS_KEY_LIMIT when the other key is in use, creating nothing and reporting it', async () => {
    // Prepare
    const extra = await fixture.aws.iam.send(new CreateAccessKeyCommand({ UserName: USER }));
    const extraKeyId = extra.AccessKey?.AccessKeyId ?? '';
    fixture.aws.fakes.iam.recordKeyUse(extraKeyId, 's3', REGION);
    fixture.rememberIssuedSecrets();

    // Act
    const error = await rotationError(createSecretStep(fixture.context(), rotation()));

    // Assess
    expect(error).toMatchObject({
      code: ErrorCode.ROTATION_FAILED,
      name: ErrorCode.ROTATION_FAILED,
      causeCode: ErrorCode.ACCESS_KEY_LIMIT,
      step: 'createSecret',
    });
    expect(fixture.keyIds()).toEqual([onboarded.accessKeyId, extraKeyId]);
    expect(fixture.secretKeyId('AWSPENDING')).toBeUndefined();
    expect(fixture.events()).toMatchObject([
      {
        detailType: KeyRotationEventType.Failed,
        detail: { step: 'createSecret', errorCode: ErrorCode.ACCESS_KEY_LIMIT, accountId: ACCOUNT, secretName: SECRET },
      },
    ]);
    expectNoLeaks(error, error.details);
  });

  it('deletes the new key again when it cannot be stored in the secret', async () => {
    // Prepare
    fixture.aws.fakes.secretsManager.failNext(
      'PutSecretValue',
      new InternalServiceError({ message: 'Secrets Manager is having a bad day.', $metadata: { httpStatusCode: 500 } }),
    );

    // Act
    const error = await rotationError(createSecretStep(fixture.context(), rotation()));

    // Assess
    expect(error.causeCode).toBe(ErrorCode.ROTATION_FAILED);
    expect(error.message).toContain('InternalServiceError');
    expect(fixture.keyIds()).toEqual([onboarded.accessKeyId]);
    expect(fixture.secretKeyId('AWSPENDING')).toBeUndefined();
    expect(fixture.secretKeyId('AWSCURRENT')).toBe(onboarded.accessKeyId);
    expect(fixture.events()[0]?.detail).toMatchObject({ step: 'createSecret' });
  });

  it("refuses a secret that is not tagged as this product's (NOT_OWNED) and creates no key", async () => {
    // Prepare
    const foreignAccount = '222233334444';
    await fixture.aws.secretsManager.send(
      new CreateSecretCommand({ Name: `logpoint/cloudtrail/${foreignAccount}`, SecretString: '{"accessKeyId":"AKIAFOREIGN000000001","secretAccessKey":"x"}' }),
    );
    fixture.aws.fakes.iam.mock.resetHistory();

    // Act
    const error = await rotationError(
      createSecretStep(fixture.context(), { secretId: `logpoint/cloudtrail/${foreignAccount}`, clientRequestToken: randomUUID() }),
    );

    // Assess
    expect(error.causeCode).toBe(ErrorCode.NOT_OWNED);
    expect(fixture.aws.fakes.iam.mock).not.toHaveReceivedCommand(CreateAccessKeyCommand);
  });

  it('rejects a secret that is not an account secret of this product', async () => {
    // Act
    const error = await rotationError(createSecretStep(fixture.context(), { secretId: 'some/other/secret', clientRequestToken: randomUUID() }));

    // Assess
    expect(error.causeCode).toBe(ErrorCode.INVALID_INPUT);
    expect(fixture.keyIds()).toEqual([onboarded.accessKeyId]);
  });
});

describe('setSecretStep', () => {
  beforeEach(() => start());

  it('switches the log source to the pending key, keeping its name and filter date, and waits for the order', async () => {
    // Prepare
    const request = rotation();
    const created = await createSecretStep(fixture.context(), request);
    fixture.rememberIssuedSecrets();

    // Act
    const result = await setSecretStep(fixture.context(), request);

    // Assess
    expect(result).toMatchObject({ action: 'director-updated', accessKeyId: created.accessKeyId, logSourceId: onboarded.logSourceId });
    expect(result.orderRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(fixture.directorAccessKey()).toBe(created.accessKeyId);
    expect(directorUsesSecretOf(created.accessKeyId ?? '')).toBe(true);
    expect(fixture.logSources()).toHaveLength(1);
    expect(fixture.secretKeyId('AWSCURRENT')).toBe(onboarded.accessKeyId);
    expect(fixture.keyIds()).toContain(onboarded.accessKeyId);
    expect(fixture.aws.fakes.secretsManager.secrets()[0]?.tags['logpoint:last-order']).toBe(result.orderRequestId);
    expectNoLeaks(result);
  });

  it('called again after it succeeded sends no second edit', async () => {
    // Prepare
    const request = rotation();
    await createSecretStep(fixture.context(), request);
    await setSecretStep(fixture.context(), request);
    const writes = fixture.director.operations.length;

    // Act
    const again = await setSecretStep(fixture.context(), request);

    // Assess
    expect(again.action).toBe('director-already-updated');
    expect(fixture.director.operations).toHaveLength(writes);
  });

  it('when Director rejects the edit, the old key stays active, current and in Director; the new key is removed and the failure reported', async () => {
    // Prepare
    const request = rotation();
    const created = await createSecretStep(fixture.context(), request);
    fixture.rememberIssuedSecrets();
    fixture.director.faults.failOrders(1, { validationErrors: { 'config.Connector.access_key': ['The key is not valid.'] } });

    // Act
    const error = await rotationError(setSecretStep(fixture.context(), request));

    // Assess
    expect(error).toMatchObject({ code: ErrorCode.ROTATION_FAILED, causeCode: ErrorCode.DIRECTOR_ORDER_FAILED, step: 'setSecret' });
    expect(error.details.rollback).toEqual({
      director: 'not-needed',
      deletedAccessKeyId: created.accessKeyId,
      pendingLabelRemoved: true,
      complete: true,
      problems: [],
    });
    expect(fixture.keyIds()).toEqual([onboarded.accessKeyId]);
    expect(fixture.aws.fakes.iam.accessKeys()[0]?.status).toBe('Active');
    expect(fixture.secretKeyId('AWSCURRENT')).toBe(onboarded.accessKeyId);
    expect(fixture.directorAccessKey()).toBe(onboarded.accessKeyId);
    expect(directorUsesSecretOf(onboarded.accessKeyId)).toBe(true);
    expect(fixture.logSources()).toHaveLength(1);
    expect(Object.values(fixture.stagesByVersion()).flat()).not.toContain('AWSPENDING');
    expect(fixture.events()).toEqual([
      {
        source: 'logpoint.onboarding',
        detailType: KeyRotationEventType.Failed,
        detail: expect.objectContaining({
          accountId: ACCOUNT,
          secretName: SECRET,
          step: 'setSecret',
          versionId: request.clientRequestToken,
          errorCode: ErrorCode.DIRECTOR_ORDER_FAILED,
          errorMessage: expect.stringContaining('The key is not valid.'),
        }),
      },
    ]);
    expectNoLeaks(error, error.details);
  });

  it('when Director answers the edit with HTTP 400, nothing is restored in Director and the new key is removed', async () => {
    // Prepare
    const request = rotation();
    await createSecretStep(fixture.context(), request);
    fixture.director.faults.failRoute('PUT /LogSources/*', { status: 400, body: { status: 'Error', message: 'access_key must be present in request.' } });

    // Act
    const error = await rotationError(setSecretStep(fixture.context(), request));

    // Assess
    expect(error.causeCode).toBe(ErrorCode.DIRECTOR_VALIDATION_FAILED);
    expect(error.details.rollback).toMatchObject({ director: 'not-needed', complete: true });
    expect(fixture.director.operations.filter((operation) => operation.startsWith('PUT'))).toEqual([]);
    expect(fixture.keyIds()).toEqual([onboarded.accessKeyId]);
  });

  it('when the order does not finish in time, puts Director back on the current key before deleting the new one', async () => {
    // Prepare
    const request = rotation();
    await createSecretStep(fixture.context(), request);
    fixture.director.faults.neverFinishOrders(1);
    // The same deadline covers the restoring edit, whose order takes 20 ms: a second leaves room on a busy machine.
    const context = fixture.context({ timeouts: { orderDeadlineMs: 1_000, orderInitialDelayMs: 5, orderMaxDelayMs: 20 } });

    // Act
    const error = await rotationError(setSecretStep(context, request));

    // Assess
    expect(error.causeCode).toBe(ErrorCode.DIRECTOR_ORDER_TIMEOUT);
    expect(error.details.rollback).toMatchObject({ director: 'restored', complete: true });
    expect(fixture.director.operations.filter((operation) => operation.startsWith('PUT'))).toHaveLength(2);
    expect(fixture.directorAccessKey()).toBe(onboarded.accessKeyId);
    expect(directorUsesSecretOf(onboarded.accessKeyId)).toBe(true);
    expect(fixture.keyIds()).toEqual([onboarded.accessKeyId]);
  });

  it('keeps the new key and the AWSPENDING label when Director cannot be put back, so nothing Director may use is deleted', async () => {
    // Prepare
    const request = rotation();
    const created = await createSecretStep(fixture.context(), request);
    fixture.director.faults.neverFinishOrders(2);
    const context = fixture.context({ timeouts: { orderDeadlineMs: 100, orderInitialDelayMs: 5, orderMaxDelayMs: 20 } });

    // Act
    const error = await rotationError(setSecretStep(context, request));

    // Assess
    expect(error.details.rollback).toMatchObject({ director: 'failed', deletedAccessKeyId: null, pendingLabelRemoved: false, complete: false });
    expect(error.message).toContain('rollback is incomplete');
    expect(fixture.keyIds()).toEqual([onboarded.accessKeyId, created.accessKeyId]);
    expect(fixture.stagesByVersion()[request.clientRequestToken]).toEqual(['AWSPENDING']);
    expect(fixture.secretKeyId('AWSCURRENT')).toBe(onboarded.accessKeyId);
  });

  it('refuses a log source of that name that this product did not create (NOT_OWNED) and leaves it untouched', async () => {
    // Prepare: an account whose reader exists but whose log source name is taken by a foreign source.
    const otherAccount = '444455556666';
    const name = logSourceNameFor(fixture.settings.logSource.namePattern, { accountId: otherAccount, bucketName: BUCKET, bucketRegion: REGION });
    const order = await fixture.directorClient.createLogSource(
      seedLogSourceBody({
        name,
        description: 'Created by hand.',
        accessKey: 'AKIAHANDMADEKEY00001',
        secretKey: 'hand-made-secret',
        bucketName: BUCKET,
        regionName: REGION,
      }),
    );
    await fixture.directorClient.waitForOrder(order, { deadlineMs: 3_000, initialDelayMs: 5, maxDelayMs: 20 });
    const bucket = {
      bucketName: BUCKET,
      bucketRegion: REGION,
      logPrefix: `AWSLogs/${otherAccount}/CloudTrail/`,
      kmsKeyArn: null,
      sampleObjectKey: 'x.json.gz',
    };
    await provisionReader({ iam: fixture.aws.iam, secretsManager: fixture.aws.secretsManager }, { accountId: otherAccount, bucket });
    const request = { secretId: `logpoint/cloudtrail/${otherAccount}`, clientRequestToken: randomUUID() };
    await createSecretStep(fixture.context(), request);
    const writes = fixture.director.operations.length;

    // Act
    const error = await rotationError(setSecretStep(fixture.context(), request));

    // Assess
    expect(error.causeCode).toBe(ErrorCode.NOT_OWNED);
    expect(fixture.director.operations).toHaveLength(writes);
    expect(error.details.rollback).toMatchObject({ director: 'not-needed', complete: true });
    expect(fixture.aws.fakes.iam.accessKeys().filter((key) => key.userName === `cloudtrail-reader-${otherAccount}`)).toHaveLength(1);
    expect(fixture.logSources().find((source) => source.name === name)?.description).toBe('Created by hand.');
  });

  it('called again for a rotation that was rolled back changes nothing and reports nothing new', async () => {
    // Prepare
    const request = rotation();
    await createSecretStep(fixture.context(), request);
    fixture.director.faults.failOrders(1);
    await rejectionOf(setSecretStep(fixture.context(), request));
    const eventsBefore = fixture.events().length;
    const writes = fixture.director.operations.length;

    // Act
    const error = await rotationError(setSecretStep(fixture.context(), request));

    // Assess
    expect(error.message).toContain('rolled back');
    expect(fixture.events()).toHaveLength(eventsBefore);
    expect(fixture.director.operations).toHaveLength(writes);
    expect(fixture.keyIds()).toEqual([onboarded.accessKeyId]);
  });
});

describe('testSecretStep', () => {
  it('reads a log object with the pending key', async () => {
    // Prepare
    await start();
    const request = rotation();
    const created = await createSecretStep(fixture.context(), request);
    await setSecretStep(fixture.context(), request);

    // Act
    const result = await testSecretStep(fixture.context(), request);
    const again = await testSecretStep(fixture.context(), request);

    // Assess
    expect(result).toMatchObject({ action: 'verified', accessKeyId: created.accessKeyId, testedCurrentKey: false });
    expect(result.objectKey).toMatch(new RegExp(`^AWSLogs/${ACCOUNT}/CloudTrail/.+\\.json\\.gz$`));
    expect(again.action).toBe('verified');
    expect(fixture.events()).toEqual([]);
  });

  it('waits, within its budget, until IAM has propagated the new key', async () => {
    // Prepare
    await start({ propagationDelayMs: 20_000 });
    const request = rotation();
    await createSecretStep(fixture.context(), request);
    await setSecretStep(fixture.context(), request);
    // Only the IAM wait is measured here: no wait for the data plane afterwards.
    const settings = { ...fixture.settings, dataFlow: { ...fixture.settings.dataFlow, rotationWaitSeconds: 0 } };

    // Act
    const result = await testSecretStep(fixture.context({ settings }), request);

    // Assess
    expect(result.action).toBe('verified');
    const waited = fixture.sleeps.reduce((sum, ms) => sum + ms, 0);
    expect(waited).toBeGreaterThanOrEqual(20_000);
    expect(waited).toBeLessThanOrEqual(60_000);
  });

  it('after Director was switched, a failure puts Director back on the current key, removes the new key and reports it', async () => {
    // Prepare
    await start({ propagationDelayMs: 600_000 });
    const request = rotation();
    const created = await createSecretStep(fixture.context(), request);
    await setSecretStep(fixture.context(), request);
    fixture.rememberIssuedSecrets();
    expect(fixture.directorAccessKey()).toBe(created.accessKeyId);

    // Act
    const error = await rotationError(testSecretStep(fixture.context(), request));

    // Assess
    expect(error).toMatchObject({ causeCode: ErrorCode.ACCESS_NOT_YET_EFFECTIVE, step: 'testSecret' });
    expect(error.details.rollback).toEqual({
      director: 'restored',
      deletedAccessKeyId: created.accessKeyId,
      pendingLabelRemoved: true,
      complete: true,
      problems: [],
    });
    expect(fixture.sleeps.reduce((sum, ms) => sum + ms, 0)).toBe(60_000);
    expect(fixture.directorAccessKey()).toBe(onboarded.accessKeyId);
    expect(directorUsesSecretOf(onboarded.accessKeyId)).toBe(true);
    expect(fixture.logSources()).toHaveLength(1);
    expect(fixture.keyIds()).toEqual([onboarded.accessKeyId]);
    expect(fixture.secretKeyId('AWSCURRENT')).toBe(onboarded.accessKeyId);
    expect(Object.values(fixture.stagesByVersion()).flat()).not.toContain('AWSPENDING');
    expect(fixture.events()).toMatchObject([
      { detailType: KeyRotationEventType.Failed, detail: { step: 'testSecret', errorCode: ErrorCode.ACCESS_NOT_YET_EFFECTIVE } },
    ]);
    expectNoLeaks(error, error.details);
  });

  it('without a pending value (Secrets Manager testing the set-up) tests the current key and changes nothing', async () => {
    // Prepare
    await start();
    const writes = fixture.director.operations.length;

    // Act
    const result = await testSecretStep(fixture.context(), rotation());

    // Assess
    expect(result).toMatchObject({ action: 'verified', accessKeyId: onboarded.accessKeyId, testedCurrentKey: true });
    expect(fixture.keyIds()).toEqual([onboarded.accessKeyId]);
    expect(fixture.director.operations).toHaveLength(writes);
    expect(fixture.events()).toEqual([]);
  });

  it('a failing set-up test never deletes the current key', async () => {
    // Prepare
    await start();
    await fixture.aws.iam.send(new UpdateAccessKeyCommand({ UserName: USER, AccessKeyId: onboarded.accessKeyId, Status: 'Inactive' }));

    // Act
    const error = await rotationError(testSecretStep(fixture.context({ timeouts: { propagationBudgetMs: 2_000 } }), rotation()));

    // Assess
    expect(error.causeCode).toBe(ErrorCode.ACCESS_NOT_YET_EFFECTIVE);
    expect(error.details.rollback).toMatchObject({ deletedAccessKeyId: null, complete: true });
    expect(fixture.keyIds()).toEqual([onboarded.accessKeyId]);
    expect(fixture.directorAccessKey()).toBe(onboarded.accessKeyId);
  });
});

describe('finishSecretStep', () => {
  beforeEach(() => start());

  it('refuses to promote while Director does not use the pending key, keeping the old key and the rotation pending', async () => {
    // Prepare
    const request = rotation();
    const created = await createSecretStep(fixture.context(), request);

    // Act
    const error = await rotationError(finishSecretStep(fixture.context(), request));

    // Assess
    expect(error.causeCode).toBe(ErrorCode.ROTATION_FAILED);
    expect(error.message).toContain('setSecret has not completed');
    expect(fixture.secretKeyId('AWSCURRENT')).toBe(onboarded.accessKeyId);
    expect(fixture.keyIds()).toEqual([onboarded.accessKeyId, created.accessKeyId]);
    expect(fixture.stagesByVersion()[request.clientRequestToken]).toEqual(['AWSPENDING']);
    expect(fixture.events()).toMatchObject([{ detailType: KeyRotationEventType.Failed, detail: { step: 'finishSecret' } }]);
  });

  it('called again after deleting the old key failed, deletes it and reports success', async () => {
    // Prepare
    const request = rotation();
    await createSecretStep(fixture.context(), request);
    await setSecretStep(fixture.context(), request);
    await testSecretStep(fixture.context(), request);
    fixture.aws.fakes.iam.failNext(
      'DeleteAccessKey',
      new IAMServiceException({ name: 'ServiceFailure', $fault: 'server', message: 'IAM is unavailable.', $metadata: {} }),
    );
    await rejectionOf(finishSecretStep(fixture.context(), request));
    const newKeyId = fixture.secretKeyId('AWSCURRENT');

    // Act
    const result = await finishSecretStep(fixture.context(), request);

    // Assess
    expect(newKeyId).not.toBe(onboarded.accessKeyId);
    expect(result).toMatchObject({ action: 'already-current', accessKeyId: newKeyId, retiredAccessKeyIds: [onboarded.accessKeyId] });
    expect(fixture.keyIds()).toEqual([newKeyId]);
    expect(fixture.events().map((event) => event.detailType)).toEqual([KeyRotationEventType.Failed, KeyRotationEventType.Succeeded]);
  });

  it('a failure to publish the success event does not undo or fail a finished rotation', async () => {
    // Prepare
    const request = rotation();
    await createSecretStep(fixture.context(), request);
    await setSecretStep(fixture.context(), request);
    fixture.eventBridgeMock.on(PutEventsCommand).rejects(new Error('EventBridge is down'));

    // Act
    const result = await finishSecretStep(fixture.context(), request);

    // Assess
    expect(result.action).toBe('promoted');
    expect(fixture.logger.lines.some((line) => line.startsWith('WARN Could not publish the Key Rotation Succeeded event'))).toBe(true);
  });
});

describe('enableAccountSecretRotation', () => {
  beforeEach(() => start());

  it('turns on rotation every 90 days with the given function, without rotating now', async () => {
    // Act
    const outcome = await enableAccountSecretRotation(fixture.aws.secretsManager, ACCOUNT, { rotationLambdaArn: ROTATION_LAMBDA_ARN });

    // Assess
    expect(outcome).toEqual({ status: 'enabled', secretName: SECRET });
    expect((await describeAccountSecret(fixture.aws.secretsManager, ACCOUNT))?.rotation).toEqual({
      enabled: true,
      lambdaArn: ROTATION_LAMBDA_ARN,
      automaticallyAfterDays: 90,
      scheduleExpression: null,
    });
    expect(fixture.aws.fakes.secretsManager.mock).toHaveReceivedCommandWith(RotateSecretCommand, { RotateImmediately: false });
    expect(fixture.aws.fakes.secretsManager.rotationRequests()).toEqual([]);
  });

  it('is idempotent, and applies a changed schedule', async () => {
    // Prepare
    await enableAccountSecretRotation(fixture.aws.secretsManager, ACCOUNT, { rotationLambdaArn: ROTATION_LAMBDA_ARN, scheduleDays: 30 });

    // Act
    const again = await enableAccountSecretRotation(fixture.aws.secretsManager, ACCOUNT, { rotationLambdaArn: ROTATION_LAMBDA_ARN, scheduleDays: 30 });
    const changed = await enableAccountSecretRotation(fixture.aws.secretsManager, ACCOUNT, {
      rotationLambdaArn: ROTATION_LAMBDA_ARN,
      scheduleExpression: 'rate(10 days)',
    });

    // Assess
    expect([again.status, changed.status]).toEqual(['unchanged', 'updated']);
    expect(fixture.aws.fakes.secretsManager.mock).toHaveReceivedCommandTimes(RotateSecretCommand, 2);
    expect((await describeAccountSecret(fixture.aws.secretsManager, ACCOUNT))?.rotation.scheduleExpression).toBe('rate(10 days)');
  });

  it('leaves a rotation in progress alone', async () => {
    // Prepare
    await createSecretStep(fixture.context(), rotation());

    // Act
    const outcome = await enableAccountSecretRotation(fixture.aws.secretsManager, ACCOUNT, { rotationLambdaArn: ROTATION_LAMBDA_ARN });

    // Assess
    expect(outcome.status).toBe('rotation-in-progress');
    expect(fixture.aws.fakes.secretsManager.mock).not.toHaveReceivedCommand(RotateSecretCommand);
  });

  it('refuses a missing secret, a foreign secret and an impossible schedule', async () => {
    // Prepare
    await fixture.aws.secretsManager.send(new CreateSecretCommand({ Name: 'logpoint/cloudtrail/222233334444', SecretString: '{}' }));

    // Act
    const missing = await rejectionOf(enableAccountSecretRotation(fixture.aws.secretsManager, '333344445555', { rotationLambdaArn: ROTATION_LAMBDA_ARN }));
    const foreign = await rejectionOf(enableAccountSecretRotation(fixture.aws.secretsManager, '222233334444', { rotationLambdaArn: ROTATION_LAMBDA_ARN }));
    const invalid = await rejectionOf(
      enableAccountSecretRotation(fixture.aws.secretsManager, ACCOUNT, { rotationLambdaArn: ROTATION_LAMBDA_ARN, scheduleDays: 0 }),
    );

    // Assess
    expect([missing, foreign, invalid]).toMatchObject([
      { code: ErrorCode.SECRET_NOT_FOUND },
      { code: ErrorCode.NOT_OWNED },
      { code: ErrorCode.CONFIG_INVALID },
    ]);
    expect(fixture.aws.fakes.secretsManager.mock).not.toHaveReceivedCommand(RotateSecretCommand);
  });
});

describe('accountIdOfSecretId', () => {
  it('reads the account from a name or an ARN of an account secret, and nothing else', () => {
    // Prepare
    const arn = `arn:aws:secretsmanager:${REGION}:${HOME_ACCOUNT}:secret:logpoint/cloudtrail/${ACCOUNT}-AbC123`;

    // Act
    const organizationArn = `arn:aws:secretsmanager:${REGION}:${HOME_ACCOUNT}:secret:logpoint/cloudtrail/o-a1b2c3d4e5-AbC123`;
    const ids = [
      SECRET,
      arn,
      arn.slice(0, -7),
      'logpoint/cloudtrail/12345',
      'logpoint/director',
      `${SECRET}/extra`,
      organizationArn,
      'logpoint/cloudtrail/o-x',
    ].map(accountIdOfSecretId);

    // Assess: the organization source's secret (collection mode organization) is one too.
    expect(ids).toEqual([ACCOUNT, ACCOUNT, ACCOUNT, null, null, null, 'o-a1b2c3d4e5', null]);
  });
});

describe('secrets', () => {
  it('no secret value appears in results, errors, events or log lines of a rotation that fails and one that succeeds', async () => {
    // Prepare
    await start();
    const failing = rotation();
    await createSecretStep(fixture.context(), failing);
    fixture.rememberIssuedSecrets();
    fixture.director.faults.failOrders(1);
    const error = await rejectionOf(setSecretStep(fixture.context(), failing));

    // Act
    const results = await rotateFully(rotation());

    // Assess
    const current = await readAccessKey(fixture.aws.secretsManager, ACCOUNT);
    expect(fixture.issuedSecrets()).toContain(current.secretAccessKey);
    expect(fixture.logger.lines.length).toBeGreaterThan(0);
    expectNoLeaks(error, results, fixture.director.requests);
  });
});
