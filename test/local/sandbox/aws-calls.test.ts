import { ListUsersCommand } from '@aws-sdk/client-iam';
import { ListSecretsCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { countAwsCalls } from '../../../local/sandbox/aws-call-log.js';
import { startSandbox, type Sandbox } from '../../../local/sandbox/environment.js';
import { summarize } from '../../../local/sandbox/report.js';
import { findScenario, playScenario } from '../../../local/sandbox/scenarios.js';

/** The sandbox's log of the AWS SDK calls its handlers make (Sandbox.awsCalls and the summary's aws.calls). */

const ACCOUNT = '111122223333';
const input = { accountId: ACCOUNT, trigger: 'aws-calls-test' };

let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

const occurrences = (calls: string[], call: string): number => calls.filter((name) => name === call).length;

describe('Sandbox.awsCalls', () => {
  it("is empty after start: creating the Director secret and the trail bucket are the sandbox's own calls", async () => {
    // Act
    sandbox = await startSandbox({ waitMs: 20 });

    // Assess
    expect(sandbox.aws.summary().secrets).toContain('logpoint/director/api');
    expect(sandbox.aws.summary().buckets).toHaveLength(1);
    expect(sandbox.awsCalls()).toEqual([]);
  });

  it('one onboarding records IAM.CreateUser exactly once and S3.GetObject at least once, in call order', async () => {
    // Arrange
    sandbox = await startSandbox({ waitMs: 20 });

    // Act
    const result = await sandbox.run(input);

    // Assess
    const calls = sandbox.awsCalls();
    expect(result.status).toBe('SUCCEEDED');
    expect(occurrences(calls, 'IAM.CreateUser')).toBe(1);
    expect(occurrences(calls, 'S3.GetObject')).toBeGreaterThanOrEqual(1);
    for (const call of calls) expect(call).toMatch(/^(IAM|SecretsManager|S3|EventBridge|DynamoDB)\.[A-Z][A-Za-z0-9]+$/);
    // The bucket is checked before the reader is made, the reader before its key proves it can read.
    expect(calls.indexOf('S3.HeadBucket')).toBeLessThan(calls.indexOf('IAM.CreateUser'));
    expect(calls.indexOf('IAM.CreateAccessKey')).toBeLessThan(calls.indexOf('S3.GetObject'));
  });

  it("resetAwsCalls() starts the log again: a rotation alone records its EventBridge.PutEvents, not the sandbox's RotateSecret", async () => {
    // Arrange
    sandbox = await startSandbox({ waitMs: 20 });
    await sandbox.run(input);

    // Act
    sandbox.resetAwsCalls();
    const rotation = await sandbox.rotate(ACCOUNT);

    // Assess
    const calls = sandbox.awsCalls();
    expect(rotation.status).toBe('SUCCEEDED');
    expect(occurrences(calls, 'IAM.CreateUser')).toBe(0);
    expect(occurrences(calls, 'IAM.CreateAccessKey')).toBe(1);
    expect(occurrences(calls, 'IAM.DeleteAccessKey')).toBe(1);
    expect(occurrences(calls, 'EventBridge.PutEvents')).toBe(1);
    expect(calls).not.toContain('SecretsManager.RotateSecret');
  });

  it('leaves out calls made through sandbox.aws directly, as a test inspecting the account makes them', async () => {
    // Arrange
    sandbox = await startSandbox({ waitMs: 20 });

    // Act
    await sandbox.aws.iam.send(new ListUsersCommand({}));
    await sandbox.aws.secretsManager.send(new ListSecretsCommand({}));

    // Assess
    expect(sandbox.awsCalls()).toEqual([]);
    expect(sandbox.aws.fakes.iam.mock.commandCalls(ListUsersCommand)).toHaveLength(1);
  });
});

describe('Sandbox.awsCallRecords', () => {
  it('names the task state behind every call, and marks the calls signed with the reader key', async () => {
    // Arrange
    sandbox = await startSandbox({ waitMs: 20 });

    // Act
    await sandbox.run(input);

    // Assess
    const records = sandbox.awsCallRecords();
    const by = (operation: string) => new Set(records.filter((record) => record.operation === operation).map((record) => record.caller?.task));
    expect(records.map((record) => `${record.service}.${record.operation}`)).toEqual(sandbox.awsCalls());
    expect(records.every((record) => record.caller?.workflow === 'onboard')).toBe(true);
    expect(by('HeadBucket')).toEqual(new Set(['CheckBucket']));
    expect(by('CreateUser')).toEqual(new Set(['ProvisionReader']));
    expect(by('ListAccessKeys')).toContain('FinalizeOnboarding');
    const readerCalls = records.filter((record) => record.principal.kind === 'access-key');
    expect(readerCalls.map((record) => [record.caller?.task, record.operation])).toEqual([
      ['VerifyAccess', 'ListObjectsV2'],
      ['VerifyAccess', 'GetObject'],
    ]);
  });

  it('records the rotation as KeyRotation of the rotate workflow, with the account as it was before each call', async () => {
    // Arrange
    sandbox = await startSandbox({ waitMs: 20 });
    await sandbox.run(input);
    sandbox.resetAwsCalls();

    // Act
    await sandbox.rotate(ACCOUNT);

    // Assess
    const records = sandbox.awsCallRecords();
    expect(new Set(records.map((record) => `${record.caller?.workflow}/${record.caller?.task}`))).toEqual(new Set(['rotate/KeyRotation']));
    const create = records.find((record) => record.operation === 'CreateAccessKey');
    const remove = records.find((record) => record.operation === 'DeleteAccessKey');
    expect(create?.state?.accessKeys).toHaveLength(1);
    expect(remove?.state?.accessKeys).toHaveLength(2);
  });

  it('keeps the inputs (secret values included) out of what a record prints as', async () => {
    // Arrange
    sandbox = await startSandbox({ waitMs: 20 });

    // Act
    await sandbox.run(input);

    // Assess
    const records = sandbox.awsCallRecords();
    const put = records.find((record) => record.operation === 'CreateSecret');
    const secretString = String(put?.input.SecretString);
    const printed = JSON.stringify(records);
    // Booleans only: a failing assertion must not print the (sandbox) secret either.
    expect(secretString.includes('secretAccessKey')).toBe(true);
    expect(printed.includes(secretString)).toBe(false);
    expect(printed.includes('SecretString')).toBe(false);
  });
});

describe('the scenario summary', () => {
  it("carries aws.calls: the counts of the scenario's runs only, next to the existing aws keys", async () => {
    // Arrange
    const scenario = findScenario('rerun');
    if (!scenario) throw new Error('no scenario rerun');
    sandbox = await startSandbox({ waitMs: 20, ...scenario.sandbox });
    await sandbox.run(input);

    // Act
    const runs = await playScenario(scenario, sandbox);
    const summary = await summarize(scenario, sandbox, runs, ACCOUNT);

    // Assess
    expect(Object.keys(summary.aws)).toEqual(['users', 'accessKeys', 'secrets', 'secretsScheduledForDeletion', 'calls']);
    expect(summary.aws.calls).toEqual(countAwsCalls(sandbox.awsCalls()));
    // The onboarding before the scenario made the user: had it been counted, CreateUser would be in.
    expect(summary.aws.calls['IAM.CreateUser']).toBeUndefined();
    expect(summary.aws.calls['IAM.CreateAccessKey']).toBe(2);
  });
});
