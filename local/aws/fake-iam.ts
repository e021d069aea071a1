import {
  CreateAccessKeyCommand, CreateUserCommand, DeleteAccessKeyCommand, DeleteUserCommand, DeleteUserPolicyCommand,
  GetAccessKeyLastUsedCommand, GetUserCommand, GetUserPolicyCommand, ListAccessKeysCommand, ListUserPoliciesCommand,
  ListUsersCommand, ListUserTagsCommand, PutUserPolicyCommand, TagUserCommand, UntagUserCommand, UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import type {
  AccessKeyMetadata, CreateAccessKeyCommandInput, CreateUserCommandInput, DeleteAccessKeyCommandInput,
  DeleteUserCommandInput, DeleteUserPolicyCommandInput, GetAccessKeyLastUsedCommandInput, GetUserCommandInput,
  GetUserPolicyCommandInput, IAMClient, ListAccessKeysCommandInput, ListUserPoliciesCommandInput,
  ListUsersCommandInput, ListUserTagsCommandInput, PutUserPolicyCommandInput, TagUserCommandInput,
  UntagUserCommandInput, UpdateAccessKeyCommandInput, User,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { newAccessKeyId, newSecretAccessKey, newUserId, responseMetadata } from './aws-ids.js';
import { iamErrors, inlinePolicySize, validateName, validatePath, validatePathPrefix, validateTags } from './iam-errors.js';
import type { CredentialCheck, IamAccessKeyView, IamPolicyView, IamUserView, KeyRecord, UserRecord } from './iam-model.js';
import { parsePolicyDocument, PolicySyntaxError } from './policy-evaluator.js';
import type { PolicyDocument } from './policy-evaluator.js';
import { FaultPlan, rejectUnemulatedCommands, runCommand } from './strict-mock.js';
import type { FaultSource } from './strict-mock.js';

export type IamCommandName =
  | 'CreateUser' | 'GetUser' | 'DeleteUser' | 'ListUsers' | 'TagUser' | 'UntagUser' | 'ListUserTags'
  | 'PutUserPolicy' | 'GetUserPolicy' | 'DeleteUserPolicy' | 'ListUserPolicies' | 'CreateAccessKey'
  | 'ListAccessKeys' | 'UpdateAccessKey' | 'DeleteAccessKey' | 'GetAccessKeyLastUsed';

export type { AccessKeyStatus, CredentialCheck, IamAccessKeyView, IamPolicyView, IamUserView } from './iam-model.js';

export interface FakeIamOptions {
  accountId: string;
  /** How long a new access key is refused by S3 (IAM is eventually consistent). Default 0. */
  propagationDelayMs?: number;
  /** Milliseconds since the epoch; tests pass a controllable clock instead of waiting. */
  clock?: () => number;
}

const MAX_ACCESS_KEYS_PER_USER = 2;
const MAX_TAGS_PER_USER = 50;
const MAX_INLINE_POLICY_CHARS = 2048;

/**
 * A stateful in-memory IAM wired onto one real `IAMClient` instance. Commands it does not emulate
 * reject with NotEmulatedError; emulated ones keep IAM's limits, messages and exception classes.
 */
export class FakeIam {
  /**
   * The aws-sdk-client-mock stub, for the `toHaveReceivedCommand…` matchers in tests. Use
   * resetHistory(), never reset(): reset() would drop every emulated behaviour.
   */
  readonly mock: AwsClientStub<IAMClient>;
  private readonly faults = new FaultPlan<IamCommandName>();
  // IAM user names are unique without regard to case; the map is keyed by the lower-cased name.
  private readonly usersByName = new Map<string, UserRecord>();
  private readonly keys = new Map<string, KeyRecord>();
  private readonly clock: () => number;
  private readonly propagationDelayMs: number;

  constructor(readonly client: IAMClient, private readonly options: FakeIamOptions) {
    this.clock = options.clock ?? Date.now;
    this.propagationDelayMs = options.propagationDelayMs ?? 0;
    const mock = mockClient(client);
    this.mock = mock;
    rejectUnemulatedCommands(mock, 'FakeIam', 'local/aws/fake-iam.ts');
    const run = <T>(name: IamCommandName, handler: () => T) => runCommand(this.faults, name, handler);
    mock
      .on(CreateUserCommand).callsFake((input: CreateUserCommandInput) => run('CreateUser', () => this.createUser(input)))
      .on(GetUserCommand).callsFake((input: GetUserCommandInput) => run('GetUser', () => this.getUser(input)))
      .on(DeleteUserCommand).callsFake((input: DeleteUserCommandInput) => run('DeleteUser', () => this.deleteUser(input)))
      .on(ListUsersCommand).callsFake((input: ListUsersCommandInput) => run('ListUsers', () => this.listUsers(input)))
      .on(TagUserCommand).callsFake((input: TagUserCommandInput) => run('TagUser', () => this.tagUser(input)))
      .on(UntagUserCommand).callsFake((input: UntagUserCommandInput) => run('UntagUser', () => this.untagUser(input)))
      .on(ListUserTagsCommand).callsFake((input: ListUserTagsCommandInput) => run('ListUserTags', () => this.listUserTags(input)))
      .on(PutUserPolicyCommand).callsFake((input: PutUserPolicyCommandInput) => run('PutUserPolicy', () => this.putUserPolicy(input)))
      .on(GetUserPolicyCommand).callsFake((input: GetUserPolicyCommandInput) => run('GetUserPolicy', () => this.getUserPolicy(input)))
      .on(DeleteUserPolicyCommand).callsFake((input: DeleteUserPolicyCommandInput) => run('DeleteUserPolicy', () => this.deleteUserPolicy(input)))
      .on(ListUserPoliciesCommand).callsFake((input: ListUserPoliciesCommandInput) => run('ListUserPolicies', () => this.listUserPolicies(input)))
      .on(CreateAccessKeyCommand).callsFake((input: CreateAccessKeyCommandInput) => run('CreateAccessKey', () => this.createAccessKey(input)))
      .on(ListAccessKeysCommand).callsFake((input: ListAccessKeysCommandInput) => run('ListAccessKeys', () => this.listAccessKeys(input)))
      .on(UpdateAccessKeyCommand).callsFake((input: UpdateAccessKeyCommandInput) => run('UpdateAccessKey', () => this.updateAccessKey(input)))
      .on(DeleteAccessKeyCommand).callsFake((input: DeleteAccessKeyCommandInput) => run('DeleteAccessKey', () => this.deleteAccessKey(input)))
      .on(GetAccessKeyLastUsedCommand).callsFake((input: GetAccessKeyLastUsedCommandInput) => run('GetAccessKeyLastUsed', () => this.getAccessKeyLastUsed(input)));
  }

  // ---- test and sandbox API -------------------------------------------------------------------

  /** The next `times` calls of `command` reject with `error` instead of running. */
  failNext(command: IamCommandName, error: FaultSource, times = 1): void {
    this.faults.failNext(command, error, times);
  }

  users(): IamUserView[] {
    return [...this.usersByName.values()].map((user) => ({
      userName: user.userName, path: user.path, arn: user.arn, userId: user.userId,
      tags: Object.fromEntries(user.tags.map((tag) => [tag.Key, tag.Value])), policyNames: [...user.policies.keys()],
    }));
  }

  accessKeys(): IamAccessKeyView[] {
    return [...this.keys.values()].map(({ userName, accessKeyId, status, createDate }) => ({ userName, accessKeyId, status, createDate }));
  }

  policies(userName?: string): IamPolicyView[] {
    const users = userName === undefined ? [...this.usersByName.values()] : [this.requireUser(userName)];
    return users.flatMap((user) =>
      [...user.policies].map(([policyName, json]) => ({ userName: user.userName, policyName, document: parsePolicyDocument(json) })),
    );
  }

  /** Parsed inline policies of a user, for the S3 emulation's authorisation. */
  policyDocumentsOf(userName: string): PolicyDocument[] {
    return this.policies(userName).map((policy) => policy.document);
  }

  /** Test-only: the secret of a key, for tests that play the part of the key's legitimate holder. */
  revealSecretAccessKeyForTest(accessKeyId: string): string {
    const key = this.keys.get(accessKeyId);
    if (!key) throw iamErrors.noSuchAccessKey(accessKeyId);
    return key.secretAccessKey;
  }

  /** What AWS would decide about a request signed with this key pair, including IAM propagation. */
  checkCredentials(accessKeyId: string, secretAccessKey: string): CredentialCheck {
    const key = this.keys.get(accessKeyId);
    if (!key) return { ok: false, reason: 'UnknownAccessKey' };
    if (this.clock() - key.createDate.getTime() < this.propagationDelayMs) return { ok: false, reason: 'NotYetPropagated' };
    if (key.status !== 'Active') return { ok: false, reason: 'InactiveAccessKey' };
    if (key.secretAccessKey !== secretAccessKey) return { ok: false, reason: 'SignatureMismatch' };
    return { ok: true, userName: key.userName, userArn: this.requireUser(key.userName).arn };
  }

  isKeyUsable(accessKeyId: string, secretAccessKey: string): boolean {
    return this.checkCredentials(accessKeyId, secretAccessKey).ok;
  }

  /** Called by the S3 emulation on every request a key successfully authenticates. */
  recordKeyUse(accessKeyId: string, serviceName: string, region: string): void {
    const key = this.keys.get(accessKeyId);
    if (key) key.lastUsed = { date: new Date(this.clock()), serviceName, region };
  }

  restore(): void {
    this.mock.restore();
  }

  // ---- users ----------------------------------------------------------------------------------

  private createUser(input: CreateUserCommandInput) {
    const userName = validateName(input.UserName, 'userName', 64);
    const path = validatePath(input.Path);
    const tags = validateTags(input.Tags);
    if (tags.length > MAX_TAGS_PER_USER) throw iamErrors.tagQuota();
    if (this.usersByName.has(userName.toLowerCase())) throw iamErrors.userExists(userName);
    const user: UserRecord = {
      userName, path, tags, userId: newUserId(), policies: new Map(), createDate: new Date(this.clock()),
      arn: `arn:aws:iam::${this.options.accountId}:user${path}${userName}`,
    };
    this.usersByName.set(userName.toLowerCase(), user);
    return { User: this.describeUser(user, true), $metadata: responseMetadata() };
  }

  private getUser(input: GetUserCommandInput) {
    return { User: this.describeUser(this.requireUser(input.UserName), true), $metadata: responseMetadata() };
  }

  private describeUser(user: UserRecord, withTags: boolean): User {
    const described: User = { Path: user.path, UserName: user.userName, UserId: user.userId, Arn: user.arn, CreateDate: user.createDate };
    if (withTags && user.tags.length > 0) described.Tags = [...user.tags];
    return described;
  }

  private requireUser(userName: string | undefined): UserRecord {
    // Without UserName real IAM answers for the caller's own user, which has no meaning here.
    if (userName === undefined) throw iamErrors.validation('null', 'userName', 'FakeIam needs an explicit UserName');
    const user = this.usersByName.get(userName.toLowerCase());
    if (!user) throw iamErrors.noSuchUser(userName);
    return user;
  }

  private deleteUser(input: DeleteUserCommandInput) {
    const user = this.requireUser(input.UserName);
    if (this.keysOf(user.userName).length > 0) throw iamErrors.deleteConflict('access keys');
    if (user.policies.size > 0) throw iamErrors.deleteConflict('policies');
    this.usersByName.delete(user.userName.toLowerCase());
    return { $metadata: responseMetadata() };
  }

  private listUsers(input: ListUsersCommandInput) {
    const prefix = validatePathPrefix(input.PathPrefix);
    const matching = [...this.usersByName.values()].filter((user) => user.path.startsWith(prefix));
    const start = input.Marker === undefined ? 0 : Number.parseInt(input.Marker, 10);
    const maxItems = input.MaxItems ?? 100;
    const page = matching.slice(start, start + maxItems);
    const isTruncated = start + maxItems < matching.length;
    return {
      Users: page.map((user) => this.describeUser(user, false)),
      IsTruncated: isTruncated,
      ...(isTruncated ? { Marker: String(start + maxItems) } : {}),
      $metadata: responseMetadata(),
    };
  }

  private tagUser(input: TagUserCommandInput) {
    const user = this.requireUser(input.UserName);
    const merged = new Map(user.tags.map((tag) => [tag.Key.toLowerCase(), tag]));
    for (const tag of validateTags(input.Tags)) merged.set(tag.Key.toLowerCase(), tag);
    if (merged.size > MAX_TAGS_PER_USER) throw iamErrors.tagQuota();
    user.tags = [...merged.values()];
    return { $metadata: responseMetadata() };
  }

  private listUserTags(input: ListUserTagsCommandInput) {
    return { Tags: [...this.requireUser(input.UserName).tags], IsTruncated: false, $metadata: responseMetadata() };
  }

  private untagUser(input: UntagUserCommandInput) {
    const user = this.requireUser(input.UserName);
    const removed = new Set((input.TagKeys ?? []).map((key) => key.toLowerCase()));
    user.tags = user.tags.filter((tag) => !removed.has(tag.Key.toLowerCase()));
    return { $metadata: responseMetadata() };
  }

  // ---- inline policies ------------------------------------------------------------------------

  private putUserPolicy(input: PutUserPolicyCommandInput) {
    const user = this.requireUser(input.UserName);
    const policyName = validateName(input.PolicyName, 'policyName', 128);
    const document = input.PolicyDocument ?? '';
    try {
      parsePolicyDocument(document);
    } catch (error) {
      if (error instanceof PolicySyntaxError) throw iamErrors.malformedPolicy(error.message);
      throw error;
    }
    const others = [...user.policies].filter(([name]) => name !== policyName).map(([, json]) => json);
    if (inlinePolicySize([...others, document]) > MAX_INLINE_POLICY_CHARS) throw iamErrors.policySizeQuota(user.userName);
    user.policies.set(policyName, document);
    return { $metadata: responseMetadata() };
  }

  private getUserPolicy(input: GetUserPolicyCommandInput) {
    const user = this.requireUser(input.UserName);
    const document = user.policies.get(input.PolicyName ?? '');
    if (document === undefined) throw iamErrors.noSuchPolicy(String(input.PolicyName));
    // Real IAM returns the document URL-encoded (RFC 3986); callers must decodeURIComponent it.
    return { UserName: user.userName, PolicyName: input.PolicyName, PolicyDocument: encodeURIComponent(document), $metadata: responseMetadata() };
  }

  private listUserPolicies(input: ListUserPoliciesCommandInput) {
    const policyNames = [...this.requireUser(input.UserName).policies.keys()];
    return { PolicyNames: policyNames, IsTruncated: false, $metadata: responseMetadata() };
  }

  private deleteUserPolicy(input: DeleteUserPolicyCommandInput) {
    const user = this.requireUser(input.UserName);
    if (!user.policies.delete(input.PolicyName ?? '')) throw iamErrors.noSuchPolicy(String(input.PolicyName));
    return { $metadata: responseMetadata() };
  }

  // ---- access keys ----------------------------------------------------------------------------

  private keysOf(userName: string): KeyRecord[] {
    return [...this.keys.values()].filter((key) => key.userName === userName);
  }

  private createAccessKey(input: CreateAccessKeyCommandInput) {
    const user = this.requireUser(input.UserName);
    if (this.keysOf(user.userName).length >= MAX_ACCESS_KEYS_PER_USER) throw iamErrors.accessKeyQuota();
    const key: KeyRecord = {
      userName: user.userName, accessKeyId: newAccessKeyId(), secretAccessKey: newSecretAccessKey(),
      status: 'Active', createDate: new Date(this.clock()),
    };
    this.keys.set(key.accessKeyId, key);
    return {
      AccessKey: { UserName: key.userName, AccessKeyId: key.accessKeyId, Status: key.status, SecretAccessKey: key.secretAccessKey, CreateDate: key.createDate },
      $metadata: responseMetadata(),
    };
  }

  private listAccessKeys(input: ListAccessKeysCommandInput) {
    const user = this.requireUser(input.UserName);
    const metadata: AccessKeyMetadata[] = this.keysOf(user.userName).map((key) => ({
      UserName: key.userName, AccessKeyId: key.accessKeyId, Status: key.status, CreateDate: key.createDate,
    }));
    return { AccessKeyMetadata: metadata, IsTruncated: false, $metadata: responseMetadata() };
  }

  private requireKeyOfUser(userName: string | undefined, accessKeyId: string | undefined): KeyRecord {
    const user = this.requireUser(userName);
    const key = this.keys.get(accessKeyId ?? '');
    if (!key || key.userName !== user.userName) throw iamErrors.noSuchAccessKey(String(accessKeyId));
    return key;
  }

  private updateAccessKey(input: UpdateAccessKeyCommandInput) {
    const key = this.requireKeyOfUser(input.UserName, input.AccessKeyId);
    if (input.Status !== 'Active' && input.Status !== 'Inactive') {
      throw iamErrors.validation(String(input.Status), 'status', 'Member must satisfy enum value set: [Active, Inactive]');
    }
    key.status = input.Status;
    return { $metadata: responseMetadata() };
  }

  private deleteAccessKey(input: DeleteAccessKeyCommandInput) {
    const key = this.requireKeyOfUser(input.UserName, input.AccessKeyId);
    this.keys.delete(key.accessKeyId);
    return { $metadata: responseMetadata() };
  }

  private getAccessKeyLastUsed(input: GetAccessKeyLastUsedCommandInput) {
    const key = this.keys.get(input.AccessKeyId ?? '');
    // AWS documents no error for an unknown key id; NoSuchEntity is this fake's stand-in.
    if (!key) throw iamErrors.noSuchAccessKey(String(input.AccessKeyId));
    const lastUsed = key.lastUsed
      ? { LastUsedDate: key.lastUsed.date, ServiceName: key.lastUsed.serviceName, Region: key.lastUsed.region }
      : { ServiceName: 'N/A', Region: 'N/A' };
    return { UserName: key.userName, AccessKeyLastUsed: lastUsed, $metadata: responseMetadata() };
  }
}

/** Installs a FakeIam on `client` (per instance: other IAMClient instances stay untouched). */
export function installFakeIam(client: IAMClient, options: FakeIamOptions): FakeIam {
  return new FakeIam(client, options);
}
