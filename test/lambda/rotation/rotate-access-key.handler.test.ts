import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_ROTATION_TIMEOUTS } from '../../../lambda/rotation/rotation-types.js';
import type { RotationStepResult } from '../../../lambda/rotation/rotation-types.js';
import { createHandler, timeoutsWithin } from '../../../lambda/rotation/rotate-access-key.handler.js';
import type { RotationDependencies } from '../../../lambda/rotation/rotate-access-key.handler.js';
import { logger } from '../../../lambda/shared/runtime/lambda-handler.js';
import { REGION, SECRET, TEST_TIMEOUTS, findLeaks, rejectionOf, startRotationFixture } from './key-rotation-fixture.js';
import type { RotationFixture } from './key-rotation-fixture.js';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import { KeyRotationEventType } from '../../../lambda/contract/events.js';
import { ExecutionRegistry } from '../../../local/sandbox/execution-registry.js';

const ROTATION_TOKEN = 'rotation-token-that-must-never-be-logged';

let fixture: RotationFixture;
let onboarded: { accessKeyId: string; logSourceId: string };

beforeEach(async () => {
  fixture = await startRotationFixture();
  onboarded = await fixture.onboard();
});

afterEach(async () => {
  await fixture.stop();
});

function dependencies(): RotationDependencies {
  return {
    settings: fixture.settings,
    iam: fixture.aws.iam,
    secretsManager: fixture.aws.secretsManager,
    s3: fixture.aws.s3ForProduct({ region: REGION }),
    s3ForCredentials: (credentials, region) => fixture.aws.s3ForCredentials(credentials, { region }),
    director: () => fixture.directorClient,
    readerPermissionsBoundaryArn: null,
    rotation: null,
    dynamo: fixture.aws.dynamo,
    accountLockTable: fixture.aws.accountLockTable,
    accountRegistryTable: fixture.aws.accountRegistryTable,
    organizations: fixture.aws.organizations,
    sfn: new ExecutionRegistry('eu-west-1').client,
    now: fixture.now,
    eventBridge: fixture.eventBridge,
    sleep: fixture.sleep,
    timeouts: TEST_TIMEOUTS,
  };
}

function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'rotate-access-key',
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:999988887777:function:rotate-access-key`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/rotate-access-key',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 300_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const rotationEvent = (step: string, token: string) => ({ SecretId: SECRET, ClientRequestToken: token, Step: step, RotationToken: ROTATION_TOKEN });

/**
 * Every call of the handler's logger during `act`, as message plus attributes. The logger's
 * methods are recorded rather than its output: Powertools resets the level to the configured one
 * (SILENT in tests) at the start of each invocation, but the calls happen whatever the level.
 */
async function capturingLogs(act: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const spies = (['debug', 'info', 'warn', 'error'] as const).map((level) =>
    vi.spyOn(logger, level).mockImplementation((...args: unknown[]) => {
      lines.push(`${level.toUpperCase()} ${JSON.stringify(args)}`);
    }),
  );
  try {
    await act();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return lines;
}

describe('rotate-access-key handler', () => {
  it('runs the four steps Secrets Manager sends: Director gets the new key and the old key is deleted', async () => {
    // Prepare
    const handler = createHandler(dependencies);
    const token = randomUUID();

    // Act
    const results: RotationStepResult[] = [];
    for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) {
      results.push(await handler(rotationEvent(step, token), lambdaContext()));
    }

    // Assess
    const newKeyId = results[0]?.accessKeyId ?? '';
    expect(results.map((result) => result.action)).toEqual(['created', 'director-updated', 'verified', 'promoted']);
    expect(fixture.directorAccessKey()).toBe(newKeyId);
    expect(fixture.keyIds()).toEqual([newKeyId]);
    expect(fixture.keyIds()).not.toContain(onboarded.accessKeyId);
    expect(fixture.logSources()).toHaveLength(1);
    expect(fixture.events().map((event) => event.detailType)).toEqual([KeyRotationEventType.Succeeded]);
  });

  it('passes the RotationToken on to Secrets Manager with the pending value', async () => {
    // Prepare
    const handler = createHandler(dependencies);

    // Act
    await handler(rotationEvent('createSecret', randomUUID()), lambdaContext());

    // Assess
    expect(fixture.aws.fakes.secretsManager.mock).toHaveReceivedCommandWith(PutSecretValueCommand, {
      RotationToken: ROTATION_TOKEN,
      VersionStages: ['AWSPENDING'],
    });
  });

  it('rejects an event that is not a rotation request with INVALID_INPUT and changes nothing', async () => {
    // Prepare
    const handler = createHandler(dependencies);

    // Act
    const error = await rejectionOf(handler({ SecretId: SECRET, ClientRequestToken: randomUUID(), Step: 'rotateEverything' }, lambdaContext()));

    // Assess
    expect(error).toMatchObject({ name: ErrorCode.INVALID_INPUT });
    expect(fixture.keyIds()).toEqual([onboarded.accessKeyId]);
    expect(fixture.events()).toEqual([]);
  });

  it('a failing step throws ROTATION_FAILED naming the cause, and logs no secret and no RotationToken', async () => {
    // Prepare
    const handler = createHandler(dependencies);
    const token = randomUUID();
    let error: unknown;

    // Act
    const lines = await capturingLogs(async () => {
      await handler(rotationEvent('createSecret', token), lambdaContext());
      fixture.rememberIssuedSecrets();
      fixture.director.faults.failOrders(1);
      error = await rejectionOf(handler(rotationEvent('setSecret', token), lambdaContext()));
    });

    // Assess
    expect(error).toMatchObject({ name: ErrorCode.ROTATION_FAILED, details: { causeCode: ErrorCode.DIRECTOR_ORDER_FAILED, step: 'setSecret' } });
    expect(lines.some((line) => line.includes('Rotation step setSecret failed'))).toBe(true);
    expect(lines.some((line) => line.includes('Rotation step createSecret succeeded'))).toBe(true);
    expect(findLeaks([...fixture.issuedSecrets(), ROTATION_TOKEN], lines, error, fixture.events())).toEqual([]);
    expect(fixture.directorAccessKey()).toBe(onboarded.accessKeyId);
    expect(fixture.keyIds()).toEqual([onboarded.accessKeyId]);
  });
});

describe('timeoutsWithin', () => {
  it('gives an order wait or the IAM retries at most half the remaining time, leaving the rest for a rollback', () => {
    // Act
    const short = timeoutsWithin(65_000);
    const long = timeoutsWithin(900_000);
    const almostNone = timeoutsWithin(2_000);

    // Assess
    expect(short).toMatchObject({ orderDeadlineMs: 30_000, propagationBudgetMs: 30_000 });
    expect(long).toMatchObject({
      orderDeadlineMs: DEFAULT_ROTATION_TIMEOUTS.orderDeadlineMs,
      propagationBudgetMs: DEFAULT_ROTATION_TIMEOUTS.propagationBudgetMs,
    });
    expect(almostNone.orderDeadlineMs).toBe(1_000);
  });
});
