import { CreateAccessKeyCommand, CreateUserCommand, DeleteUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import { READER_USER_PATH, readerUserName } from '../../../lambda/contract/names.js';
import { ownershipTags } from '../../../lambda/shared/ownership.js';
import { deleteReaderAccessKey, deleteUserIfKeyless, findOwnedReaderUser, listReaderAccessKeyIds } from '../../../lambda/shared/reader-user.js';
import { ACCOUNT, HOME_ACCOUNT, REGION, useAwsSandbox } from '../../support/aws-sandbox.js';
import { onboardingErrorOf } from '../../support/rejections.js';

const USER = readerUserName(ACCOUNT);
const sandbox = useAwsSandbox({ accountId: HOME_ACCOUNT, region: REGION });
const iam = () => sandbox().iam;

describe('the reader user access layer', () => {
  it("finds the reader user only when it carries this product's path and tags for the account", async () => {
    // Prepare / Act: nothing, then our tags under another path, then our path with another account's tags.
    const absent = await findOwnedReaderUser(iam(), ACCOUNT);
    await iam().send(new CreateUserCommand({ UserName: USER, Path: '/other/', Tags: ownershipTags(ACCOUNT) }));
    const wrongPath = await onboardingErrorOf(findOwnedReaderUser(iam(), ACCOUNT));
    await iam().send(new DeleteUserCommand({ UserName: USER }));
    await iam().send(new CreateUserCommand({ UserName: USER, Path: READER_USER_PATH, Tags: ownershipTags('999988887777') }));
    const otherAccount = await onboardingErrorOf(findOwnedReaderUser(iam(), ACCOUNT));

    // Assess
    expect(absent).toBeNull();
    expect(wrongPath.code).toBe(ErrorCode.NOT_OWNED);
    expect(wrongPath.message).toContain(USER);
    expect(otherAccount.code).toBe(ErrorCode.NOT_OWNED);
    expect(sandbox().summary().users).toEqual([USER]);
  });

  it('returns the user when it is ours', async () => {
    // Prepare
    await iam().send(new CreateUserCommand({ UserName: USER, Path: READER_USER_PATH, Tags: ownershipTags(ACCOUNT) }));

    // Act
    const user = await findOwnedReaderUser(iam(), ACCOUNT);

    // Assess
    expect(user).toEqual({ userName: USER, userArn: `arn:aws:iam::${HOME_ACCOUNT}:user/logpoint/${USER}` });
  });

  it('counts a key or user that is already gone as done, and keeps a user that still has a key', async () => {
    // Prepare
    await iam().send(new CreateUserCommand({ UserName: USER, Path: READER_USER_PATH, Tags: ownershipTags(ACCOUNT) }));
    await iam().send(
      new PutUserPolicyCommand({ UserName: USER, PolicyName: 'logpoint-cloudtrail-read', PolicyDocument: '{"Version":"2012-10-17","Statement":[]}' }),
    );
    const key = (await iam().send(new CreateAccessKeyCommand({ UserName: USER }))).AccessKey?.AccessKeyId ?? '';

    // Act
    const keptWithKey = await deleteUserIfKeyless(iam(), USER);
    const deleted = await deleteReaderAccessKey(iam(), USER, key);
    const deletedAgain = await deleteReaderAccessKey(iam(), USER, key);
    const userGone = await deleteUserIfKeyless(iam(), USER);
    const keysOfMissingUser = await listReaderAccessKeyIds(iam(), USER);

    // Assess
    expect(keptWithKey).toBe(false);
    expect([deleted, deletedAgain]).toEqual([true, false]);
    expect(userGone).toBe(true);
    expect(keysOfMissingUser).toEqual([]);
    expect(sandbox().summary()).toMatchObject({ users: [], accessKeys: [] });
  });
});
