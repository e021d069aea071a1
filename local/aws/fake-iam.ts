import {
  CreateAccessKeyCommand,
  type CreateAccessKeyCommandInput,
  CreateUserCommand,
  type CreateUserCommandInput,
  DeleteAccessKeyCommand,
  type DeleteAccessKeyCommandInput,
  DeleteUserCommand,
  type DeleteUserCommandInput,
  DeleteUserPolicyCommand,
  type DeleteUserPolicyCommandInput,
  GetAccessKeyLastUsedCommand,
  type GetAccessKeyLastUsedCommandInput,
  GetUserCommand,
  type GetUserCommandInput,
  GetUserPolicyCommand,
  type GetUserPolicyCommandInput,
  type IAMClient,
  ListAccessKeysCommand,
  type ListAccessKeysCommandInput,
  ListUserPoliciesCommand,
  type ListUserPoliciesCommandInput,
  ListUsersCommand,
  type ListUsersCommandInput,
  ListUserTagsCommand,
  type ListUserTagsCommandInput,
  PutUserPermissionsBoundaryCommand,
  type PutUserPermissionsBoundaryCommandInput,
  PutUserPolicyCommand,
  type PutUserPolicyCommandInput,
  TagUserCommand,
  type TagUserCommandInput,
  UntagUserCommand,
  type UntagUserCommandInput,
  UpdateAccessKeyCommand,
  type UpdateAccessKeyCommandInput,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { CredentialCheck, IamAccessKeyView, IamPolicyView, IamUserView } from './iam-model.js';
import type { IamStoreState } from './iam-store-state.js';
import { IamStore } from './iam-store.js';
import type { PolicyDocument } from './policy-evaluator.js';
import { FaultPlan, rejectUnemulatedCommands, runCommand } from './strict-mock.js';
import type { FaultSource } from './strict-mock.js';

export type IamCommandName =
  | 'CreateUser'
  | 'GetUser'
  | 'DeleteUser'
  | 'ListUsers'
  | 'TagUser'
  | 'UntagUser'
  | 'ListUserTags'
  | 'PutUserPermissionsBoundary'
  | 'PutUserPolicy'
  | 'GetUserPolicy'
  | 'DeleteUserPolicy'
  | 'ListUserPolicies'
  | 'CreateAccessKey'
  | 'ListAccessKeys'
  | 'UpdateAccessKey'
  | 'DeleteAccessKey'
  | 'GetAccessKeyLastUsed';

export interface FakeIamOptions {
  accountId: string;
  /** How long a new access key is refused by S3 (IAM is eventually consistent). Default 0. */
  propagationDelayMs?: number;
  /** Milliseconds since the epoch; tests pass a controllable clock instead of waiting. */
  clock?: () => number;
}

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
  private readonly store: IamStore;

  constructor(
    readonly client: IAMClient,
    options: FakeIamOptions,
  ) {
    const store = new IamStore({
      accountId: options.accountId,
      propagationDelayMs: options.propagationDelayMs ?? 0,
      clock: options.clock ?? Date.now,
    });
    this.store = store;
    const mock = mockClient(client);
    this.mock = mock;
    rejectUnemulatedCommands(mock, 'FakeIam', 'local/aws/fake-iam.ts');
    const run = <T>(name: IamCommandName, handler: () => T) => runCommand(this.faults, name, handler);
    mock
      .on(CreateUserCommand)
      .callsFake((input: CreateUserCommandInput) => run('CreateUser', () => store.createUser(input)))
      .on(GetUserCommand)
      .callsFake((input: GetUserCommandInput) => run('GetUser', () => store.getUser(input)))
      .on(DeleteUserCommand)
      .callsFake((input: DeleteUserCommandInput) => run('DeleteUser', () => store.deleteUser(input)))
      .on(ListUsersCommand)
      .callsFake((input: ListUsersCommandInput) => run('ListUsers', () => store.listUsers(input)))
      .on(TagUserCommand)
      .callsFake((input: TagUserCommandInput) => run('TagUser', () => store.tagUser(input)))
      .on(UntagUserCommand)
      .callsFake((input: UntagUserCommandInput) => run('UntagUser', () => store.untagUser(input)))
      .on(ListUserTagsCommand)
      .callsFake((input: ListUserTagsCommandInput) => run('ListUserTags', () => store.listUserTags(input)))
      .on(PutUserPermissionsBoundaryCommand)
      .callsFake((input: PutUserPermissionsBoundaryCommandInput) => run('PutUserPermissionsBoundary', () => store.putUserPermissionsBoundary(input)))
      .on(PutUserPolicyCommand)
      .callsFake((input: PutUserPolicyCommandInput) => run('PutUserPolicy', () => store.putUserPolicy(input)))
      .on(GetUserPolicyCommand)
      .callsFake((input: GetUserPolicyCommandInput) => run('GetUserPolicy', () => store.getUserPolicy(input)))
      .on(DeleteUserPolicyCommand)
      .callsFake((input: DeleteUserPolicyCommandInput) => run('DeleteUserPolicy', () => store.deleteUserPolicy(input)))
      .on(ListUserPoliciesCommand)
      .callsFake((input: ListUserPoliciesCommandInput) => run('ListUserPolicies', () => store.listUserPolicies(input)))
      .on(CreateAccessKeyCommand)
      .callsFake((input: CreateAccessKeyCommandInput) => run('CreateAccessKey', () => store.createAccessKey(input)))
      .on(ListAccessKeysCommand)
      .callsFake((input: ListAccessKeysCommandInput) => run('ListAccessKeys', () => store.listAccessKeys(input)))
      .on(UpdateAccessKeyCommand)
      .callsFake((input: UpdateAccessKeyCommandInput) => run('UpdateAccessKey', () => store.updateAccessKey(input)))
      .on(DeleteAccessKeyCommand)
      .callsFake((input: DeleteAccessKeyCommandInput) => run('DeleteAccessKey', () => store.deleteAccessKey(input)))
      .on(GetAccessKeyLastUsedCommand)
      .callsFake((input: GetAccessKeyLastUsedCommandInput) => run('GetAccessKeyLastUsed', () => store.getAccessKeyLastUsed(input)));
  }

  // ---- test and sandbox API -------------------------------------------------------------------

  /** The next `times` calls of `command` reject with `error` instead of running. */
  failNext(command: IamCommandName, error: FaultSource, times = 1): void {
    this.faults.failNext(command, error, times);
  }

  users(): IamUserView[] {
    return this.store.users();
  }

  accessKeys(): IamAccessKeyView[] {
    return this.store.accessKeys();
  }

  policies(userName?: string): IamPolicyView[] {
    return this.store.policies(userName);
  }

  /** Parsed inline policies of a user, for the S3 emulation's authorisation. */
  policyDocumentsOf(userName: string): PolicyDocument[] {
    return this.policies(userName).map((policy) => policy.document);
  }

  /** Test-only: the secret of a key, for tests that play the part of the key's legitimate holder. */
  revealSecretAccessKeyForTest(accessKeyId: string): string {
    return this.store.secretAccessKeyOf(accessKeyId);
  }

  /** What AWS would decide about a request signed with this key pair, including IAM propagation. */
  checkCredentials(accessKeyId: string, secretAccessKey: string): CredentialCheck {
    return this.store.checkCredentials(accessKeyId, secretAccessKey);
  }

  isKeyUsable(accessKeyId: string, secretAccessKey: string): boolean {
    return this.checkCredentials(accessKeyId, secretAccessKey).ok;
  }

  /** Called by the S3 emulation on every request a key successfully authenticates. */
  recordKeyUse(accessKeyId: string, serviceName: string, region: string): void {
    this.store.recordKeyUse(accessKeyId, serviceName, region);
  }

  /**
   * Every user, inline policy and access key (secrets included) as JSON-safe data, for the sandbox
   * to save between commands. Not to be confused with restore(), which unmocks the client.
   */
  exportState(): IamStoreState {
    return this.store.exportState();
  }

  /** Replaces all of the fake's IAM entities with an exported state; an invalid document is refused with an Error and changes nothing. */
  importState(state: unknown): void {
    this.store.importState(state);
  }

  restore(): void {
    this.mock.restore();
  }
}

/** Installs a FakeIam on `client` (per instance: other IAMClient instances stay untouched). */
export function installFakeIam(client: IAMClient, options: FakeIamOptions): FakeIam {
  return new FakeIam(client, options);
}
