import type { Context } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import { createHandler as createAcquireHandler } from '../../../lambda/locking/acquire-lock.handler.js';
import { createHandler as createReleaseHandler } from '../../../lambda/locking/release-lock.handler.js';
import type { WorkflowDependencies } from '../../../lambda/shared/runtime/dependencies.js';
import { runtimeSettingsFromConfig } from '../../../lib/product/app-config.js';
import { exampleConfig } from '../../lib/stack-fixture.js';
import { ACCOUNT, HOME_ACCOUNT, REGION, useAwsSandbox } from '../../support/aws-sandbox.js';
import { rejectionOf } from '../../support/rejections.js';
import { ExecutionRegistry } from '../../../local/sandbox/execution-registry.js';

const OWNER = `arn:aws:states:${REGION}:${HOME_ACCOUNT}:execution:Onboarding:onboard-${ACCOUNT}-aaaaaaaaaaaaaaaa`;
const OTHER_OWNER = `arn:aws:states:${REGION}:${HOME_ACCOUNT}:execution:Offboarding:offboard-${ACCOUNT}-bbbbbbbbbbbbbbbb`;
const NOW = new Date('2025-03-01T10:00:00.000Z');
const DEADLINE_SECONDS = 1200;

const sandbox = useAwsSandbox({ accountId: HOME_ACCOUNT, region: REGION });
/** The runs Step Functions knows of; OTHER_OWNER is still running unless a test ends it. */
let executions = new ExecutionRegistry(REGION);
beforeEach(() => {
  executions = new ExecutionRegistry(REGION);
  executions.started(OTHER_OWNER, NOW);
});

/** What the lock steps get: the sandbox's DynamoDB and lock table; the clients they never use fail if called. */
function dependencies(overrides: Partial<WorkflowDependencies> = {}): () => WorkflowDependencies {
  const aws = sandbox();
  const settings = runtimeSettingsFromConfig(exampleConfig({ orderPolling: { deadlineSeconds: DEADLINE_SECONDS } }));
  return () => ({
    settings,
    iam: aws.iam,
    secretsManager: aws.secretsManager,
    s3: aws.s3ForProduct(),
    s3ForCredentials: (credentials, region) => aws.s3ForCredentials(credentials, { region }),
    director: () => {
      throw new Error('the lock steps do not call Director');
    },
    readerPermissionsBoundaryArn: null,
    rotation: null,
    dynamo: aws.dynamo,
    accountLockTable: aws.accountLockTable,
    accountRegistryTable: null,
    organizations: aws.organizations,
    sfn: executions.client,
    now: () => NOW,
    ...overrides,
  });
}

function lambdaContext(name: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${HOME_ACCOUNT}:function:${name}`,
    memoryLimitInMB: '256',
    awsRequestId: '00000000-0000-4000-8000-000000000000',
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const acquire = (event: unknown, overrides: Partial<WorkflowDependencies> = {}) =>
  createAcquireHandler(dependencies(overrides))(event, lambdaContext('AcquireLock'));
const release = (event: unknown) => createReleaseHandler(dependencies())(event, lambdaContext('ReleaseLock'));
const locks = () => sandbox().fakes.dynamo.items(sandbox().accountLockTable);

describe('AcquireLock handler', () => {
  it('takes the lock for as long as the state machine may run (order deadline + 1 h) and returns only account, owner and expiry', async () => {
    // Act
    const output = await acquire({ accountId: ACCOUNT, owner: OWNER, workflow: 'onboard' });

    // Assess
    const expiresAt = new Date(NOW.getTime() + (DEADLINE_SECONDS + 3600) * 1000).toISOString();
    expect(output).toEqual({ accountId: ACCOUNT, owner: OWNER, expiresAt });
    expect(await locks()).toEqual([expect.objectContaining({ owner: { S: OWNER }, workflow: { S: 'onboard' } })]);
  });

  it('fails with the error name ACCOUNT_BUSY, which the state machine matches, while another run holds the lock', async () => {
    // Prepare
    await acquire({ accountId: ACCOUNT, owner: OTHER_OWNER, workflow: 'offboard' });

    // Act
    const error = await rejectionOf(acquire({ accountId: ACCOUNT, owner: OWNER, workflow: 'onboard' }));

    // Assess
    expect(error).toMatchObject({ name: ErrorCode.ACCOUNT_BUSY, message: expect.stringContaining(OTHER_OWNER) as unknown });
    expect(await locks()).toEqual([expect.objectContaining({ owner: { S: OTHER_OWNER } })]);
  });

  it('takes over the lock of a run that has ended without releasing it (Step Functions says it is no longer running)', async () => {
    // Prepare
    await acquire({ accountId: ACCOUNT, owner: OTHER_OWNER, workflow: 'offboard' });
    executions.ended(OTHER_OWNER, 'SUCCEEDED', NOW);

    // Act
    const lock = await acquire({ accountId: ACCOUNT, owner: OWNER, workflow: 'onboard' });

    // Assess
    expect(lock).toMatchObject({ accountId: ACCOUNT, owner: OWNER });
    expect(await locks()).toEqual([expect.objectContaining({ owner: { S: OWNER } })]);
  });

  it.each([
    ['an unknown workflow', { accountId: ACCOUNT, owner: OWNER, workflow: 'repair' }],
    ['a malformed account id', { accountId: '1234', owner: OWNER, workflow: 'onboard' }],
    ['no owner', { accountId: ACCOUNT, workflow: 'onboard' }],
    ['a field outside the contract', { accountId: ACCOUNT, owner: OWNER, workflow: 'onboard', ttlSeconds: 1 }],
  ])('rejects %s with INVALID_INPUT, taking no lock', async (_case, event) => {
    // Act
    const error = await rejectionOf(acquire(event));

    // Assess
    expect(error).toMatchObject({ name: ErrorCode.INVALID_INPUT });
    expect(await locks()).toEqual([]);
  });

  it('fails with CONFIG_INVALID on a function deployed without the lock table', async () => {
    // Act
    const error = await rejectionOf(acquire({ accountId: ACCOUNT, owner: OWNER, workflow: 'onboard' }, { accountLockTable: null }));

    // Assess
    expect(error).toMatchObject({ name: ErrorCode.CONFIG_INVALID });
  });
});

describe('ReleaseLock handler', () => {
  it('reports released: true when the owner gives its lock back, and released: false when it no longer holds one', async () => {
    // Prepare
    await acquire({ accountId: ACCOUNT, owner: OWNER, workflow: 'onboard' });

    // Act
    const first = await release({ accountId: ACCOUNT, owner: OWNER });
    const second = await release({ accountId: ACCOUNT, owner: OWNER });

    // Assess
    expect(first).toEqual({ released: true });
    expect(second).toEqual({ released: false });
    expect(await locks()).toEqual([]);
  });

  it('does not release a lock another run holds', async () => {
    // Prepare
    await acquire({ accountId: ACCOUNT, owner: OTHER_OWNER, workflow: 'offboard' });

    // Act
    const output = await release({ accountId: ACCOUNT, owner: OWNER });

    // Assess
    expect(output).toEqual({ released: false });
    expect(await locks()).toEqual([expect.objectContaining({ owner: { S: OTHER_OWNER } })]);
  });

  it('rejects an input outside the contract with INVALID_INPUT, releasing nothing', async () => {
    // Prepare
    await acquire({ accountId: ACCOUNT, owner: OWNER, workflow: 'onboard' });

    // Act
    const error = await rejectionOf(release({ accountId: ACCOUNT, owner: OWNER, workflow: 'onboard' }));

    // Assess
    expect(error).toMatchObject({ name: ErrorCode.INVALID_INPUT });
    expect(await locks()).toHaveLength(1);
  });
});
