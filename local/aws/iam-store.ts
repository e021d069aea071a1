import type {
  AccessKeyMetadata,
  CreateAccessKeyCommandInput,
  CreateUserCommandInput,
  DeleteAccessKeyCommandInput,
  DeleteUserCommandInput,
  DeleteUserPolicyCommandInput,
  GetAccessKeyLastUsedCommandInput,
  GetUserCommandInput,
  GetUserPolicyCommandInput,
  ListAccessKeysCommandInput,
  ListUserPoliciesCommandInput,
  ListUsersCommandInput,
  ListUserTagsCommandInput,
  PutUserPermissionsBoundaryCommandInput,
  PutUserPolicyCommandInput,
  TagUserCommandInput,
  UntagUserCommandInput,
  UpdateAccessKeyCommandInput,
  User,
} from '@aws-sdk/client-iam';
import { newAccessKeyId, newSecretAccessKey, newUserId, responseMetadata } from './aws-ids.js';
import { iamErrors, inlinePolicySize, validateBoundaryArn, validateName, validatePath, validatePathPrefix, validateTags } from './iam-errors.js';
import type { CredentialCheck, IamAccessKeyView, IamPolicyView, IamStoreOptions, IamUserView, KeyRecord, UserRecord } from './iam-model.js';
import { exportIamState, importIamState } from './iam-store-state.js';
import type { IamStoreState } from './iam-store-state.js';
import { parsePolicyDocument, PolicySyntaxError } from './policy-evaluator.js';

const MAX_ACCESS_KEYS_PER_USER = 2;
const MAX_TAGS_PER_USER = 50;
const MAX_INLINE_POLICY_CHARS = 2048;

/**
 * The IAM entities of one account (users with their tags and inline policies, access keys) and
 * IAM's answer to each emulated command, with IAM's limits, messages and exception classes.
 * FakeIam wires these answers onto an IAMClient.
 */
export class IamStore {
  // IAM user names are unique without regard to case; the map is keyed by the lower-cased name.
  private readonly usersByName = new Map<string, UserRecord>();
  private readonly keys = new Map<string, KeyRecord>();

  constructor(private readonly options: IamStoreOptions) {}

  // ---- views and credential checks ------------------------------------------------------------

  users(): IamUserView[] {
    return [...this.usersByName.values()].map((user) => ({
      userName: user.userName,
      path: user.path,
      arn: user.arn,
      userId: user.userId,
      tags: Object.fromEntries(user.tags.map((tag) => [tag.Key, tag.Value])),
      policyNames: [...user.policies.keys()],
      permissionsBoundary: user.permissionsBoundary ?? null,
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

  secretAccessKeyOf(accessKeyId: string): string {
    const key = this.keys.get(accessKeyId);
    if (!key) throw iamErrors.noSuchAccessKey(accessKeyId);
    return key.secretAccessKey;
  }

  checkCredentials(accessKeyId: string, secretAccessKey: string): CredentialCheck {
    const key = this.keys.get(accessKeyId);
    if (!key) return { ok: false, reason: 'UnknownAccessKey' };
    if (this.options.clock() - key.createDate.getTime() < this.options.propagationDelayMs) return { ok: false, reason: 'NotYetPropagated' };
    if (key.status !== 'Active') return { ok: false, reason: 'InactiveAccessKey' };
    if (key.secretAccessKey !== secretAccessKey) return { ok: false, reason: 'SignatureMismatch' };
    return { ok: true, userName: key.userName, userArn: this.requireUser(key.userName).arn };
  }

  recordKeyUse(accessKeyId: string, serviceName: string, region: string): void {
    const key = this.keys.get(accessKeyId);
    if (key) key.lastUsed = { date: new Date(this.options.clock()), serviceName, region };
  }

  // ---- state export and import (iam-store-state.ts) ------------------------------------------

  /** Everything the store holds, secret access keys included, as JSON-safe data. */
  exportState(): IamStoreState {
    return exportIamState(this.options, this.usersByName.values(), this.keys.values());
  }

  /** Replaces everything the store holds with an exported state; an invalid one is refused whole. */
  importState(state: unknown): void {
    importIamState(state, this.options, this.usersByName, this.keys);
  }

  // ---- users ----------------------------------------------------------------------------------

  createUser(input: CreateUserCommandInput) {
    const userName = validateName(input.UserName, 'userName', 64);
    const path = validatePath(input.Path);
    const tags = validateTags(input.Tags);
    if (tags.length > MAX_TAGS_PER_USER) throw iamErrors.tagQuota();
    if (this.usersByName.has(userName.toLowerCase())) throw iamErrors.userExists(userName);
    const permissionsBoundary = input.PermissionsBoundary === undefined ? undefined : validateBoundaryArn(input.PermissionsBoundary);
    const user: UserRecord = {
      permissionsBoundary,
      userName,
      path,
      tags,
      userId: newUserId(),
      policies: new Map(),
      createDate: new Date(this.options.clock()),
      arn: `arn:aws:iam::${this.options.accountId}:user${path}${userName}`,
    };
    this.usersByName.set(userName.toLowerCase(), user);
    return { User: this.describeUser(user, true), $metadata: responseMetadata() };
  }

  getUser(input: GetUserCommandInput) {
    return { User: this.describeUser(this.requireUser(input.UserName), true), $metadata: responseMetadata() };
  }

  private describeUser(user: UserRecord, withTags: boolean): User {
    const described: User = { Path: user.path, UserName: user.userName, UserId: user.userId, Arn: user.arn, CreateDate: user.createDate };
    if (withTags && user.tags.length > 0) described.Tags = [...user.tags];
    if (user.permissionsBoundary !== undefined) {
      described.PermissionsBoundary = { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: user.permissionsBoundary };
    }
    return described;
  }

  private requireUser(userName: string | undefined): UserRecord {
    // Without UserName real IAM answers for the caller's own user, which has no meaning here.
    if (userName === undefined) throw iamErrors.validation('null', 'userName', 'FakeIam needs an explicit UserName');
    const user = this.usersByName.get(userName.toLowerCase());
    if (!user) throw iamErrors.noSuchUser(userName);
    return user;
  }

  deleteUser(input: DeleteUserCommandInput) {
    const user = this.requireUser(input.UserName);
    if (this.keysOf(user.userName).length > 0) throw iamErrors.deleteConflict('access keys');
    if (user.policies.size > 0) throw iamErrors.deleteConflict('policies');
    this.usersByName.delete(user.userName.toLowerCase());
    return { $metadata: responseMetadata() };
  }

  listUsers(input: ListUsersCommandInput) {
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

  tagUser(input: TagUserCommandInput) {
    const user = this.requireUser(input.UserName);
    const merged = new Map(user.tags.map((tag) => [tag.Key.toLowerCase(), tag]));
    for (const tag of validateTags(input.Tags)) merged.set(tag.Key.toLowerCase(), tag);
    if (merged.size > MAX_TAGS_PER_USER) throw iamErrors.tagQuota();
    user.tags = [...merged.values()];
    return { $metadata: responseMetadata() };
  }

  listUserTags(input: ListUserTagsCommandInput) {
    return { Tags: [...this.requireUser(input.UserName).tags], IsTruncated: false, $metadata: responseMetadata() };
  }

  untagUser(input: UntagUserCommandInput) {
    const user = this.requireUser(input.UserName);
    const removed = new Set((input.TagKeys ?? []).map((key) => key.toLowerCase()));
    user.tags = user.tags.filter((tag) => !removed.has(tag.Key.toLowerCase()));
    return { $metadata: responseMetadata() };
  }

  // ---- inline policies ------------------------------------------------------------------------

  putUserPermissionsBoundary(input: PutUserPermissionsBoundaryCommandInput) {
    const user = this.requireUser(input.UserName);
    user.permissionsBoundary = validateBoundaryArn(input.PermissionsBoundary);
    return { $metadata: responseMetadata() };
  }

  putUserPolicy(input: PutUserPolicyCommandInput) {
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

  getUserPolicy(input: GetUserPolicyCommandInput) {
    const user = this.requireUser(input.UserName);
    const document = user.policies.get(input.PolicyName ?? '');
    if (document === undefined) throw iamErrors.noSuchPolicy(String(input.PolicyName));
    // Real IAM returns the document URL-encoded (RFC 3986); callers must decodeURIComponent it.
    return { UserName: user.userName, PolicyName: input.PolicyName, PolicyDocument: encodeURIComponent(document), $metadata: responseMetadata() };
  }

  listUserPolicies(input: ListUserPoliciesCommandInput) {
    const policyNames = [...this.requireUser(input.UserName).policies.keys()];
    return { PolicyNames: policyNames, IsTruncated: false, $metadata: responseMetadata() };
  }

  deleteUserPolicy(input: DeleteUserPolicyCommandInput) {
    const user = this.requireUser(input.UserName);
    if (!user.policies.delete(input.PolicyName ?? '')) throw iamErrors.noSuchPolicy(String(input.PolicyName));
    return { $metadata: responseMetadata() };
  }

  // ---- access keys ----------------------------------------------------------------------------

  private keysOf(userName: string): KeyRecord[] {
    return [...this.keys.values()].filter((key) => key.userName === userName);
  }

  createAccessKey(input: CreateAccessKeyCommandInput) {
    const user = this.requireUser(input.UserName);
    if (this.keysOf(user.userName).length >= MAX_ACCESS_KEYS_PER_USER) throw iamErrors.accessKeyQuota();
    const key: KeyRecord = {
      userName: user.userName,
      accessKeyId: newAccessKeyId(),
      secretAccessKey: newSecretAccessKey(),
      status: 'Active',
      createDate: new Date(this.options.clock()),
    };
    this.keys.set(key.accessKeyId, key);
    return {
      AccessKey: { UserName: key.userName, AccessKeyId: key.accessKeyId, Status: key.status, SecretAccessKey: key.secretAccessKey, CreateDate: key.createDate },
      $metadata: responseMetadata(),
    };
  }

  listAccessKeys(input: ListAccessKeysCommandInput) {
    const user = this.requireUser(input.UserName);
    const metadata: AccessKeyMetadata[] = this.keysOf(user.userName).map((key) => ({
      UserName: key.userName,
      AccessKeyId: key.accessKeyId,
      Status: key.status,
      CreateDate: key.createDate,
    }));
    return { AccessKeyMetadata: metadata, IsTruncated: false, $metadata: responseMetadata() };
  }

  private requireKeyOfUser(userName: string | undefined, accessKeyId: string | undefined): KeyRecord {
    const user = this.requireUser(userName);
    const key = this.keys.get(accessKeyId ?? '');
    if (!key || key.userName !== user.userName) throw iamErrors.noSuchAccessKey(String(accessKeyId));
    return key;
  }

  updateAccessKey(input: UpdateAccessKeyCommandInput) {
    const key = this.requireKeyOfUser(input.UserName, input.AccessKeyId);
    if (input.Status !== 'Active' && input.Status !== 'Inactive') {
      throw iamErrors.validation(String(input.Status), 'status', 'Member must satisfy enum value set: [Active, Inactive]');
    }
    key.status = input.Status;
    return { $metadata: responseMetadata() };
  }

  deleteAccessKey(input: DeleteAccessKeyCommandInput) {
    const key = this.requireKeyOfUser(input.UserName, input.AccessKeyId);
    this.keys.delete(key.accessKeyId);
    return { $metadata: responseMetadata() };
  }

  getAccessKeyLastUsed(input: GetAccessKeyLastUsedCommandInput) {
    const key = this.keys.get(input.AccessKeyId ?? '');
    // AWS documents no error for an unknown key id; NoSuchEntity is this fake's stand-in.
    if (!key) throw iamErrors.noSuchAccessKey(String(input.AccessKeyId));
    const lastUsed = key.lastUsed
      ? { LastUsedDate: key.lastUsed.date, ServiceName: key.lastUsed.serviceName, Region: key.lastUsed.region }
      : { ServiceName: 'N/A', Region: 'N/A' };
    return { UserName: key.userName, AccessKeyLastUsed: lastUsed, $metadata: responseMetadata() };
  }
}
