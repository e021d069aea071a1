import {
  CreateSecretCommand,
  type CreateSecretCommandInput,
  DeleteSecretCommand,
  type DeleteSecretCommandInput,
  DescribeSecretCommand,
  type DescribeSecretCommandInput,
  GetSecretValueCommand,
  type GetSecretValueCommandInput,
  ListSecretsCommand,
  type ListSecretsCommandInput,
  PutSecretValueCommand,
  type PutSecretValueCommandInput,
  RestoreSecretCommand,
  type RestoreSecretCommandInput,
  RotateSecretCommand,
  type RotateSecretCommandInput,
  type SecretsManagerClient,
  TagResourceCommand,
  type TagResourceCommandInput,
  UntagResourceCommand,
  type UntagResourceCommandInput,
  UpdateSecretVersionStageCommand,
  type UpdateSecretVersionStageCommandInput,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { responseMetadata } from './aws-ids.js';
import type { SecretView } from './secret-record.js';
import { AWSCURRENT } from './secret-versions.js';
import type { SecretsStoreState } from './secrets-store-state.js';
import { SecretsStore } from './secrets-store.js';
import type { RotationRequest } from './secrets-store.js';
import { FaultPlan, rejectUnemulatedCommands, runCommand } from './strict-mock.js';
import type { FaultSource } from './strict-mock.js';

export type SecretsManagerCommandName =
  | 'CreateSecret'
  | 'GetSecretValue'
  | 'PutSecretValue'
  | 'DescribeSecret'
  | 'UpdateSecretVersionStage'
  | 'TagResource'
  | 'UntagResource'
  | 'DeleteSecret'
  | 'RestoreSecret'
  | 'ListSecrets'
  | 'RotateSecret';

export interface FakeSecretsManagerOptions {
  accountId: string;
  region: string;
  clock?: () => number;
}

/** A stateful in-memory Secrets Manager wired onto one real `SecretsManagerClient` instance. */
export class FakeSecretsManager {
  /** Use resetHistory(), never reset(): reset() would drop every emulated behaviour. */
  readonly mock: AwsClientStub<SecretsManagerClient>;
  private readonly faults = new FaultPlan<SecretsManagerCommandName>();
  private readonly store: SecretsStore;

  constructor(
    readonly client: SecretsManagerClient,
    options: FakeSecretsManagerOptions,
  ) {
    const store = new SecretsStore({ accountId: options.accountId, region: options.region, clock: options.clock ?? Date.now });
    this.store = store;
    const mock = mockClient(client);
    this.mock = mock;
    rejectUnemulatedCommands(mock, 'FakeSecretsManager', 'local/aws/fake-secrets-manager.ts');
    const run = <T>(name: SecretsManagerCommandName, handler: () => T) =>
      runCommand(this.faults, name, () => ({ ...handler(), $metadata: responseMetadata() }));
    mock
      .on(CreateSecretCommand)
      .callsFake((input: CreateSecretCommandInput) => run('CreateSecret', () => store.createSecret(input)))
      .on(GetSecretValueCommand)
      .callsFake((input: GetSecretValueCommandInput) => run('GetSecretValue', () => store.getSecretValue(input)))
      .on(PutSecretValueCommand)
      .callsFake((input: PutSecretValueCommandInput) => run('PutSecretValue', () => store.putSecretValue(input)))
      .on(DescribeSecretCommand)
      .callsFake((input: DescribeSecretCommandInput) => run('DescribeSecret', () => store.describeSecret(input)))
      .on(UpdateSecretVersionStageCommand)
      .callsFake((input: UpdateSecretVersionStageCommandInput) => run('UpdateSecretVersionStage', () => store.updateSecretVersionStage(input)))
      .on(TagResourceCommand)
      .callsFake((input: TagResourceCommandInput) => run('TagResource', () => store.tagResource(input)))
      .on(UntagResourceCommand)
      .callsFake((input: UntagResourceCommandInput) => run('UntagResource', () => store.untagResource(input)))
      .on(DeleteSecretCommand)
      .callsFake((input: DeleteSecretCommandInput) => run('DeleteSecret', () => store.deleteSecret(input)))
      .on(RestoreSecretCommand)
      .callsFake((input: RestoreSecretCommandInput) => run('RestoreSecret', () => store.restoreSecret(input)))
      .on(ListSecretsCommand)
      .callsFake((input: ListSecretsCommandInput) => run('ListSecrets', () => store.listSecrets(input)))
      .on(RotateSecretCommand)
      .callsFake((input: RotateSecretCommandInput) => run('RotateSecret', () => store.rotateSecret(input)));
  }

  // ---- test and sandbox API -------------------------------------------------------------------

  failNext(command: SecretsManagerCommandName, error: FaultSource, times = 1): void {
    this.faults.failNext(command, error, times);
  }

  secrets(): SecretView[] {
    return this.store.secrets();
  }

  /** Test-only: the value at a staging label, bypassing deletion state (for asserting what was stored). */
  revealSecretValueForTest(secretId: string, stage = AWSCURRENT): string | undefined {
    return this.store.secretStringAt(secretId, stage);
  }

  rotationRequests(): readonly RotationRequest[] {
    return this.store.rotationRequests();
  }

  /**
   * Every secret (with the values of all its versions) and the pending rotation requests as
   * JSON-safe data, for the sandbox to save between commands. Not restore(), which unmocks the client.
   */
  exportState(): SecretsStoreState {
    return this.store.exportState();
  }

  /** Replaces all of the fake's secrets and rotation requests with an exported state; an invalid document is refused with an Error and changes nothing. */
  importState(state: unknown): void {
    this.store.importState(state);
  }

  restore(): void {
    this.mock.restore();
  }
}

/** Installs a FakeSecretsManager on `client` (per instance: other clients stay untouched). */
export function installFakeSecretsManager(client: SecretsManagerClient, options: FakeSecretsManagerOptions): FakeSecretsManager {
  return new FakeSecretsManager(client, options);
}
