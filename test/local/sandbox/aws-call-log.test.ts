import { CreateUserCommand, GetUserCommand, IAMClient, ListUsersCommand, paginateListUsers } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { installFakeIam } from '../../../local/aws/fake-iam.js';
import { AwsCallLog, countAwsCalls } from '../../../local/sandbox/aws-call-log.js';

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
