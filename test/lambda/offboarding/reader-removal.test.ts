import { describe, expect, it } from 'vitest';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import { removeReaderUser } from '../../../lambda/offboarding/reader-removal.js';
import { READER_POLICY_NAME } from '../../../lambda/shared/reader-policy.js';
import { iamErrors } from '../../../local/aws/iam-errors.js';
import { ACCOUNT } from '../../support/aws-sandbox.js';
import { aws, caught, keyIds, onboard, USER, userNames, useOffboardingFixture } from './offboarding-fixture.js';

useOffboardingFixture();

describe('removeReaderUser (RemoveReader)', () => {
  it('deletes every access key, the inline policy and the user', async () => {
    // Prepare
    const { accessKeyId } = await onboard();

    // Act
    const removal = await removeReaderUser(aws().iam, ACCOUNT);

    // Assess
    expect(removal).toEqual({ userName: USER, userFound: true, deletedAccessKeys: [accessKeyId], deletedPolicies: [READER_POLICY_NAME], deletedUser: true });
    expect(userNames()).toEqual([]);
    expect(keyIds()).toEqual([]);
  });

  it('reports a user that does not exist as not found, and succeeds', async () => {
    // Act
    const removal = await removeReaderUser(aws().iam, ACCOUNT);

    // Assess
    expect(removal).toEqual({ userName: USER, userFound: false, deletedAccessKeys: [], deletedPolicies: [], deletedUser: false });
  });

  it('fails with NOT_OWNED and deletes nothing when the user of that name is not ours', async () => {
    // Prepare
    await aws().iam.send(new CreateUserCommand({ UserName: USER, Path: '/logpoint/', Tags: [{ Key: 'logpoint:managed-by', Value: 'someone-else' }] }));
    await aws().iam.send(
      new PutUserPolicyCommand({
        UserName: USER,
        PolicyName: 'theirs',
        PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}',
      }),
    );

    // Act
    const error = await caught(removeReaderUser(aws().iam, ACCOUNT));

    // Assess
    expect(error.code).toBe(ErrorCode.NOT_OWNED);
    expect(error.message).toContain(USER);
    expect(aws().fakes.iam.users()).toMatchObject([{ userName: USER, policyNames: ['theirs'] }]);
  });

  it('deletes a second key a concurrent rotation added, and the user', async () => {
    // Prepare
    const { accessKeyId } = await onboard();
    const second = (await aws().iam.send(new CreateAccessKeyCommand({ UserName: USER }))).AccessKey?.AccessKeyId;

    // Act
    const removal = await removeReaderUser(aws().iam, ACCOUNT);

    // Assess
    expect(removal.deletedAccessKeys.sort()).toEqual([accessKeyId, second].sort());
    expect(removal.deletedUser).toBe(true);
    expect(keyIds()).toEqual([]);
  });

  it('tries once more when IAM reports a conflict (something was added meanwhile), then deletes the user', async () => {
    // Prepare
    await onboard();
    aws().fakes.iam.failNext('DeleteUser', iamErrors.deleteConflict('access keys'));

    // Act
    const removal = await removeReaderUser(aws().iam, ACCOUNT);

    // Assess
    expect(removal.deletedUser).toBe(true);
    expect(userNames()).toEqual([]);
  });

  it('fails with NOT_OWNED, naming what blocks it, when IAM refuses to delete the user because of foreign attachments', async () => {
    // Prepare
    await onboard();
    aws().fakes.iam.failNext('DeleteUser', iamErrors.deleteConflict('policies'), 2);

    // Act
    const error = await caught(removeReaderUser(aws().iam, ACCOUNT));

    // Assess
    expect(error.code).toBe(ErrorCode.NOT_OWNED);
    expect(error.message).toMatch(/managed policy, group membership/);
    expect(keyIds()).toEqual([]);
  });
});
