import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { logSourceUuid } from '../../lambda/director/index.js';
import { buildLogSourceBody } from '../../lambda/shared/log-source-body.js';
import { recordedOffboardingSchema, type OffboardingSummary } from '../../lambda/offboarding/workflow-contract.js';
import { OffboardingState } from '../../lambda/contract/offboarding-states.js';
import { createDirectorClient } from '../../lambda/shared/runtime/aws-clients/director.js';
import { startSandbox, type Sandbox } from '../../local/sandbox/environment.js';
import type { PublishedEvent } from '../../local/sandbox/event-capture.js';
import type { LocalRunResult } from '../../local/sandbox/state-machine-runner.js';
import { ErrorCode } from '../../lambda/contract/error-codes.js';
import { accountSecretName, readerUserName } from '../../lambda/contract/names.js';
import { OffboardingEventType } from '../../lambda/contract/events.js';

/**
 * The synthesized offboarding definition, run with aws-local-stepfunctions. Each Lambda task runs
 * its real handler in-process against the onboarding sandbox's stand-ins (the same IAM, Secrets
 * Manager and Director simulator an onboarding run just used), so every case starts from a
 * genuinely onboarded account.
 */

const DAY_MS = 86_400_000;
/** Real milliseconds of each Wait and Retry here, instead of the definition's seconds. */
const WAIT_MS = 20;

interface Offboarding {
  run(input: Record<string, unknown>): Promise<LocalRunResult>;
  readonly events: PublishedEvent[];
}

/**
 * The sandbox's offboarding workflow: the definition synthesized from the real stack, handlers
 * in-process. `events` holds what was published from this call on.
 */
function offboardingOf(sandbox: Sandbox, configOverrides?: Record<string, unknown>): Offboarding {
  if (configOverrides) sandbox.reconfigure(configOverrides);
  const before = sandbox.events.length;
  return {
    get events() {
      return sandbox.events.slice(before);
    },
    run: (input) => sandbox.offboard(input),
  };
}

const entered = (result: LocalRunResult): string[] => result.events.flatMap((event) => (event.kind === 'entered' ? [event.state] : []));

/** One onboarded account of the shared sandbox: each test gets its own, with its own trail bucket. */
interface Account {
  accountId: string;
  userName: string;
  secretName: string;
  logSourceName: string;
}

const accountFor = (accountId: string): Account => ({
  accountId,
  userName: readerUserName(accountId),
  secretName: accountSecretName(accountId),
  logSourceName: `CloudTrail-${accountId}`,
});

function directorStateOf(sandbox: Sandbox, account: Account, logSourceId?: string) {
  const uuid = logSourceId === undefined ? undefined : logSourceUuid(logSourceId);
  return {
    logSources: sandbox.director.logSources().filter((source) => source.name === account.logSourceName),
    deletes: sandbox.director.operations.filter(
      (operation) => operation.startsWith('DELETE ') && uuid !== undefined && operation.endsWith(`/LogSources/${uuid}`),
    ),
  };
}

function awsStateOf(sandbox: Sandbox, account: Account) {
  const summary = sandbox.aws.summary();
  const secret = sandbox.aws.fakes.secretsManager.secrets().find((candidate) => candidate.name === account.secretName);
  return {
    userExists: summary.users.includes(account.userName),
    accessKeys: summary.accessKeys.filter((key) => key.userName === account.userName).map(({ accessKeyId, status }) => ({ accessKeyId, status })),
    secret:
      secret === undefined ? null : { scheduledForDeletion: secret.scheduledForDeletion, deletedDate: secret.deletedDate, deletionDate: secret.deletionDate },
  };
}

function expectFreeOfSecrets(what: unknown, secrets: string[]): void {
  const text = JSON.stringify(what);
  expect(secrets.length).toBeGreaterThan(0);
  for (const secret of secrets) expect(text.includes(secret), `a secret value (${secret.slice(0, 3)}…) leaked`).toBe(false);
}

function expectFailedWith(result: LocalRunResult, events: PublishedEvent[], code: string, accountId: string): void {
  expect(result.status).toBe('FAILED');
  expect(result.error?.code).toBe(code);
  // The failure report, the account lock released when the run took it, the event, the Fail state.
  const states = entered(result);
  const afterReport = states.slice(states.lastIndexOf('DescribeOffboardingFailure'));
  const release = states.includes('ReleaseLock') ? ['ReleaseLock', OffboardingState.AfterLockRelease] : [];
  expect(afterReport).toEqual([
    'DescribeOffboardingFailure',
    OffboardingState.HoldsLock,
    ...release,
    OffboardingState.PublishOffboardingFailed,
    OffboardingState.OffboardingFailed,
  ]);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ source: 'logpoint.onboarding', detailType: OffboardingEventType.Failed, detail: { accountId, errorCode: code } });
}

describe('offboarding workflow (synthesized definition, run locally)', () => {
  let sandbox: Sandbox;
  let nextAccount = 210_000_000_000;

  beforeAll(async () => {
    // One sandbox for the file (each test uses its own account): starting one synthesizes the onboarding stack.
    sandbox = await startSandbox({ waitMs: WAIT_MS, director: { orderDelayMs: 40 } });
  });

  afterEach(() => {
    (sandbox as Sandbox | undefined)?.director.faults.clear();
  });

  afterAll(async () => {
    // Undefined when beforeAll failed; its error is the one worth reading.
    await (sandbox as Sandbox | undefined)?.stop();
  });

  const freshAccount = (): Account => accountFor(String((nextAccount += 1)));

  /** A real onboarding of a new account through the onboarding state machine, from its own trail bucket. */
  async function onboardedAccount(): Promise<Account & { logSourceId: string; accessKeyId: string; readerSecret: string }> {
    const account = freshAccount();
    const bucketName = `trail-${account.accountId}`;
    await sandbox.aws.createTrailBucket({ name: bucketName, layout: 'account', accountIds: [account.accountId] });
    const result = await sandbox.run({ accountId: account.accountId, bucketName });
    expect(result.status, `${JSON.stringify(result.error)}`).toBe('SUCCEEDED');
    const output = result.output as { logSourceId: string; accessKeyId: string };
    return { ...account, ...output, readerSecret: sandbox.aws.fakes.iam.revealSecretAccessKeyForTest(output.accessKeyId) };
  }

  it('offboards an onboarded account: DELETE in Director, no user or key left, secret scheduled for 7 days, event published', async () => {
    // Prepare
    const account = await onboardedAccount();
    const offboarding = offboardingOf(sandbox);

    // Act
    const result = await offboarding.run({ accountId: account.accountId, reason: 'account-closed', trigger: 'test' });

    // Assess
    expect(result.status, `${JSON.stringify(result.error)}`).toBe('SUCCEEDED');
    const summary = recordedOffboardingSchema.parse(result.output);
    expect(summary).toMatchObject({
      accountId: account.accountId,
      reason: 'account-closed',
      trigger: 'test',
      logSourceDeleted: true,
      logSourceId: account.logSourceId,
      deletedAccessKeys: [account.accessKeyId],
      deletedUser: true,
      neverOnboarded: false,
      alreadyGone: [],
      coverage: 'account-source',
    } satisfies Partial<OffboardingSummary> & { coverage: string });
    const director = directorStateOf(sandbox, account, account.logSourceId);
    expect(director.logSources).toEqual([]);
    expect(director.deletes).toEqual([
      `DELETE /configapi/${sandbox.director.poolUuid}/${sandbox.director.logpointId}/LogSources/${logSourceUuid(account.logSourceId)}`,
    ]);
    const aws = awsStateOf(sandbox, account);
    expect(aws).toMatchObject({ userExists: false, accessKeys: [], secret: { scheduledForDeletion: true } });
    expect((aws.secret?.deletionDate?.getTime() ?? 0) - (aws.secret?.deletedDate?.getTime() ?? 0)).toBe(7 * DAY_MS);
    expect(summary.secretDeletionDate).toBe(aws.secret?.deletionDate?.toISOString());
    // The key went only after Director confirmed the deletion.
    const states = entered(result);
    expect(states.indexOf('RemoveReader')).toBeGreaterThan(states.lastIndexOf('CheckOrder'));
    expect(offboarding.events).toEqual([
      {
        source: 'logpoint.onboarding',
        detailType: OffboardingEventType.Succeeded,
        detail: { ...summary, executionId: expect.stringContaining(`offboard-${account.accountId}`) },
      },
    ]);
    expectFreeOfSecrets([result.events, result.output, offboarding.events], [account.readerSecret, sandbox.director.secretKey]);
  });

  it('offboards an account that was never onboarded: succeeds, says neverOnboarded, touches nothing', async () => {
    // Prepare
    const bystander = await onboardedAccount();
    const account = freshAccount();
    const offboarding = offboardingOf(sandbox);
    const operationsBefore = sandbox.director.operations.length;

    // Act
    const result = await offboarding.run({ accountId: account.accountId });

    // Assess
    expect(result.status, `${JSON.stringify(result.error)}`).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({
      accountId: account.accountId,
      reason: 'manual',
      logSourceDeleted: false,
      logSourceId: null,
      deletedAccessKeys: [],
      deletedUser: false,
      secretDeletionDate: null,
      neverOnboarded: true,
      alreadyGone: [],
    });
    expect(entered(result)).not.toContain('DeleteLogSource');
    expect(sandbox.director.operations).toHaveLength(operationsBefore);
    expect(directorStateOf(sandbox, bystander).logSources).toHaveLength(1);
    expect(awsStateOf(sandbox, bystander)).toMatchObject({
      userExists: true,
      accessKeys: [{ accessKeyId: bystander.accessKeyId }],
      secret: { scheduledForDeletion: false },
    });
    expect(offboarding.events).toMatchObject([{ detailType: OffboardingEventType.Succeeded, detail: { accountId: account.accountId, neverOnboarded: true } }]);
  });

  it('offboards the same account twice: the second run succeeds and reports every part as already gone', async () => {
    // Prepare
    const account = await onboardedAccount();
    const offboarding = offboardingOf(sandbox);
    const first = await offboarding.run({ accountId: account.accountId });
    expect(first.status).toBe('SUCCEEDED');

    // Act
    const second = await offboarding.run({ accountId: account.accountId });

    // Assess
    expect(second.status, `${JSON.stringify(second.error)}`).toBe('SUCCEEDED');
    expect(second.output).toMatchObject({
      logSourceDeleted: false,
      deletedAccessKeys: [],
      deletedUser: false,
      secretDeletionDate: null,
      neverOnboarded: false,
      alreadyGone: ['logSource', 'readerUser', 'secret'],
    });
    expect(directorStateOf(sandbox, account, account.logSourceId).deletes).toHaveLength(1);
    expect(offboarding.events.map((event) => event.detailType)).toEqual([OffboardingEventType.Succeeded, OffboardingEventType.Succeeded]);
    expect(offboarding.events[1]?.detail).toMatchObject({ alreadyGone: ['logSource', 'readerUser', 'secret'], neverOnboarded: false });
  });

  it("refuses a foreign log source of the account's name with NOT_OWNED and deletes nothing", async () => {
    // Prepare: our source was removed by hand and someone registered their own under the same name.
    const account = await onboardedAccount();
    const director = createDirectorClient(sandbox.settings.director, sandbox.aws.secretsManager);
    const quickly = { initialDelayMs: 20, maxDelayMs: 50 };
    await director.waitForOrder(await director.deleteLogSource(account.logSourceId), quickly);
    const foreignBody = buildLogSourceBody(
      sandbox.settings.logSource,
      {
        accountId: account.accountId,
        bucketName: 'their-bucket',
        bucketRegion: 'eu-west-1',
        accessKeyId: 'AKIAFOREIGNEXAMPLE00',
        secretAccessKey: 'their-secret',
        filterDate: new Date().toISOString(),
      },
      { name: account.logSourceName, markOwnership: false },
    );
    await director.waitForOrder(await director.createLogSource(foreignBody), quickly);
    const operationsBefore = sandbox.director.operations.length;
    const offboarding = offboardingOf(sandbox);

    // Act
    const result = await offboarding.run({ accountId: account.accountId });

    // Assess
    expectFailedWith(result, offboarding.events, ErrorCode.NOT_OWNED, account.accountId);
    expect(result.error?.message).toContain(`"${account.logSourceName}"`);
    expect(sandbox.director.operations).toHaveLength(operationsBefore);
    expect(directorStateOf(sandbox, account).logSources).toHaveLength(1);
    expect(awsStateOf(sandbox, account)).toMatchObject({
      userExists: true,
      accessKeys: [{ accessKeyId: account.accessKeyId }],
      secret: { scheduledForDeletion: false },
    });
    expect(offboarding.events[0]?.detail.kept).toEqual(['everything: the run failed before it deleted anything']);
  });

  it("keeps the key and the user when Director's DELETE order fails, and fails with DIRECTOR_ORDER_FAILED", async () => {
    // Prepare
    const account = await onboardedAccount();
    sandbox.director.faults.failOrders(1, { errors: ['LogSource is locked by a running collector.'] });
    const offboarding = offboardingOf(sandbox);

    // Act
    const result = await offboarding.run({ accountId: account.accountId });

    // Assess
    expectFailedWith(result, offboarding.events, ErrorCode.DIRECTOR_ORDER_FAILED, account.accountId);
    expect(result.error?.message).toContain('LogSource is locked by a running collector.');
    expect(entered(result)).not.toContain('RemoveReader');
    expect(directorStateOf(sandbox, account).logSources).toMatchObject([
      { id: account.logSourceId, config: { Connector: { access_key: account.accessKeyId } } },
    ]);
    expect(sandbox.director.connectorSecretMatches(account.logSourceId, account.readerSecret)).toBe(true);
    expect(awsStateOf(sandbox, account)).toMatchObject({
      userExists: true,
      accessKeys: [{ accessKeyId: account.accessKeyId, status: 'Active' }],
      secret: { scheduledForDeletion: false },
    });
    expect(offboarding.events[0]?.detail.kept).toEqual([
      `log source "${account.logSourceName}" (${account.logSourceId}): still in Director`,
      `IAM user ${account.userName} with its access keys: not (fully) removed, Director may still use its key`,
      `secret ${account.secretName}: not scheduled for deletion`,
    ]);
    expectFreeOfSecrets([result.events, result.error, offboarding.events], [account.readerSecret, sandbox.director.secretKey]);
  });

  it('keeps the key when the DELETE order never finishes, and fails with DIRECTOR_ORDER_TIMEOUT at the deadline', async () => {
    // Prepare
    const account = await onboardedAccount();
    sandbox.director.faults.neverFinishOrders(1);
    const offboarding = offboardingOf(sandbox, { orderPolling: { deadlineSeconds: 120 } });

    // Act
    const result = await offboarding.run({ accountId: account.accountId });

    // Assess
    expectFailedWith(result, offboarding.events, ErrorCode.DIRECTOR_ORDER_TIMEOUT, account.accountId);
    expect(entered(result).filter((state) => state === 'CheckOrder').length).toBeGreaterThan(1);
    expect(entered(result)).not.toContain('RemoveReader');
    expect(awsStateOf(sandbox, account)).toMatchObject({ userExists: true, accessKeys: [{ accessKeyId: account.accessKeyId }] });
  });

  it('fails an invalid input with INVALID_INPUT before looking at anything', async () => {
    // Prepare
    const offboarding = offboardingOf(sandbox);
    const requestsBefore = sandbox.director.requests.length;

    // Act
    const result = await offboarding.run({ accountId: '12345', reason: 'bored' });

    // Assess
    expectFailedWith(result, offboarding.events, ErrorCode.INVALID_INPUT, '12345');
    expect(sandbox.director.requests).toHaveLength(requestsBefore);
  });
});
