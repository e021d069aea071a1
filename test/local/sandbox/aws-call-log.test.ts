import { CreateUserCommand, GetUserCommand, IAMClient, ListUsersCommand, paginateListUsers } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { installFakeIam } from '../../../local/aws/fake-iam.js';
import { asCaller, AwsCallLog, countAwsCalls } from '../../../local/sandbox/aws-call-log.js';

/** The recording clients the sandbox hands its handlers, on their own (the sandbox's use: aws-calls.test.ts). */

const ACCOUNT = '111122223333';

function fakeIamClient(): IAMClient {
  const client = new IAMClient({ region: 'us-east-1' });
  installFakeIam(client, { accountId: ACCOUNT });
  return client;
}

describe('AwsCallLog', () => {
  it('records each send through the recording view as Service.Operation, in order, and the fake still answers it', async () => {
    // Arrange
    const log = new AwsCallLog();
    const iam = log.recording(fakeIamClient(), 'IAM');

    // Act
    await iam.send(new CreateUserCommand({ UserName: 'reader' }));
    const { User } = await iam.send(new GetUserCommand({ UserName: 'reader' }));

    // Assess
    expect(User?.UserName).toBe('reader');
    expect(log.calls()).toEqual(['IAM.CreateUser', 'IAM.GetUser']);
  });

  it('leaves the client itself as it was: its own sends are not recorded and its send is not replaced', async () => {
    // Arrange
    const log = new AwsCallLog();
    const client = fakeIamClient();
    const stub = client.send;

    // Act
    const view = log.recording(client, 'IAM');
    await client.send(new CreateUserCommand({ UserName: 'reader' }));

    // Assess
    expect(client.send).toBe(stub);
    expect(view.send).not.toBe(stub);
    expect(log.calls()).toEqual([]);
  });

  it('is still an instance of the client class, so the SDK paginators accept it and each page is one call', async () => {
    // Arrange
    const log = new AwsCallLog();
    const client = fakeIamClient();
    for (const name of ['a', 'b', 'c']) await client.send(new CreateUserCommand({ UserName: name }));
    const iam = log.recording(client, 'IAM');

    // Act
    const names: string[] = [];
    for await (const page of paginateListUsers({ client: iam, pageSize: 2 }, {})) names.push(...(page.Users ?? []).map((user) => user.UserName ?? ''));

    // Assess
    expect(iam).toBeInstanceOf(IAMClient);
    expect(names).toEqual(['a', 'b', 'c']);
    expect(log.calls()).toEqual(['IAM.ListUsers', 'IAM.ListUsers']);
  });

  it('records a call that fails too, and reset() empties the log; calls() is a copy', async () => {
    // Arrange
    const log = new AwsCallLog();
    const iam = log.recording(fakeIamClient(), 'IAM');
    await iam.send(new GetUserCommand({ UserName: 'nobody' })).catch(() => undefined);
    const before = log.calls();

    // Act
    log.reset();
    await iam.send(new ListUsersCommand({}));

    // Assess
    expect(before).toEqual(['IAM.GetUser']);
    expect(log.calls()).toEqual(['IAM.ListUsers']);
  });
});

describe('AwsCallLog.records', () => {
  it('names the invocation each call was made in, however deep in awaits, and none outside one', async () => {
    // Arrange
    const log = new AwsCallLog();
    const iam = log.recording(fakeIamClient(), 'IAM');
    const handler = async (): Promise<void> => {
      await iam.send(new CreateUserCommand({ UserName: 'reader' }));
      await new Promise((resolve) => setTimeout(resolve, 1));
      await iam.send(new GetUserCommand({ UserName: 'reader' }));
    };

    // Act
    await asCaller({ workflow: 'onboard', task: 'ProvisionReader' }, handler);
    await iam.send(new ListUsersCommand({}));

    // Assess
    expect(log.records().map((record) => [record.operation, record.caller])).toEqual([
      ['CreateUser', { workflow: 'onboard', task: 'ProvisionReader' }],
      ['GetUser', { workflow: 'onboard', task: 'ProvisionReader' }],
      ['ListUsers', null],
    ]);
  });

  it('keeps two invocations that run at the same time apart', async () => {
    // Arrange
    const log = new AwsCallLog();
    const iam = log.recording(fakeIamClient(), 'IAM');
    const invoke = (task: string, delayMs: number) =>
      asCaller({ workflow: 'onboard', task }, async () => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        await iam.send(new ListUsersCommand({ PathPrefix: `/${task}/` }));
      });

    // Act
    await Promise.all([invoke('CheckBucket', 5), invoke('Compensate', 0)]);

    // Assess
    expect(log.records().map((record) => [record.caller?.task, record.input.PathPrefix])).toEqual([
      ['Compensate', '/Compensate/'],
      ['CheckBucket', '/CheckBucket/'],
    ]);
  });

  it("records the signing principal: the function's role, or the key id it was given", async () => {
    // Arrange
    const log = new AwsCallLog();
    const client = fakeIamClient();

    // Act
    await log.recording(client, 'IAM').send(new ListUsersCommand({}));
    await log.recording(client, 'IAM', { signedWith: 'AKIAEXAMPLEREADER001' }).send(new ListUsersCommand({}));

    // Assess
    expect(log.records().map((record) => record.principal)).toEqual([{ kind: 'function-role' }, { kind: 'access-key', accessKeyId: 'AKIAEXAMPLEREADER001' }]);
  });

  it('keeps the input as sent, but out of anything that prints or serializes a record', async () => {
    // Arrange
    const log = new AwsCallLog();
    const iam = log.recording(fakeIamClient(), 'IAM');
    const input = { UserName: 'reader', Tags: [{ Key: 'secret-looking', Value: 'do-not-print-me' }] };

    // Act
    await iam.send(new CreateUserCommand(input));
    input.Tags[0]!.Value = 'changed after sending';
    const [record] = log.records();

    // Assess
    expect(record?.input).toEqual({ UserName: 'reader', Tags: [{ Key: 'secret-looking', Value: 'do-not-print-me' }] });
    expect(Object.keys(record ?? {})).not.toContain('input');
    expect(JSON.stringify(record)).not.toContain('do-not-print-me');
  });

  it("takes the observer's snapshot of the account just before each call is sent", async () => {
    // Arrange
    const client = new IAMClient({ region: 'us-east-1' });
    const fake = installFakeIam(client, { accountId: ACCOUNT });
    const log = new AwsCallLog(() => fake.users().map((user) => user.userName));
    const iam = log.recording(client, 'IAM');

    // Act
    await iam.send(new CreateUserCommand({ UserName: 'a' }));
    await iam.send(new CreateUserCommand({ UserName: 'b' }));

    // Assess
    expect(log.records().map((record) => record.state)).toEqual([[], ['a']]);
  });
});

describe('countAwsCalls', () => {
  it('counts each operation, keyed in the order of its first call', () => {
    // Act
    const counts = countAwsCalls(['IAM.GetUser', 'S3.GetObject', 'IAM.GetUser', 'EventBridge.PutEvents']);

    // Assess
    expect(counts).toEqual({ 'IAM.GetUser': 2, 'S3.GetObject': 1, 'EventBridge.PutEvents': 1 });
    expect(Object.keys(counts)).toEqual(['IAM.GetUser', 'S3.GetObject', 'EventBridge.PutEvents']);
    expect(countAwsCalls([])).toEqual({});
  });
});
