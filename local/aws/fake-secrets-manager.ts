import { randomUUID } from 'node:crypto';
import {
  CreateSecretCommand, DeleteSecretCommand, DescribeSecretCommand, GetSecretValueCommand, ListSecretsCommand,
  PutSecretValueCommand, RestoreSecretCommand, RotateSecretCommand, TagResourceCommand, UntagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type {
  CreateSecretCommandInput, DeleteSecretCommandInput, DescribeSecretCommandInput, GetSecretValueCommandInput,
  ListSecretsCommandInput, PutSecretValueCommandInput, RestoreSecretCommandInput, RotateSecretCommandInput,
  SecretListEntry, SecretsManagerClient, TagResourceCommandInput, UntagResourceCommandInput,
  UpdateSecretVersionStageCommandInput,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { newSecretArnSuffix, responseMetadata } from './aws-ids.js';
import { describeSecret, matchesListFilter } from './secret-record.js';
import type { SecretRecord } from './secret-record.js';
import { AWSCURRENT, SecretVersions } from './secret-versions.js';
import type { SecretVersion } from './secret-versions.js';
import { secretsErrors, validateClientRequestToken, validateRecoveryWindow, validateSecretName } from './secrets-manager-errors.js';
import { FaultPlan, NotEmulatedError, rejectUnemulatedCommands, runCommand } from './strict-mock.js';
import type { FaultSource } from './strict-mock.js';

export type SecretsManagerCommandName =
  | 'CreateSecret' | 'GetSecretValue' | 'PutSecretValue' | 'DescribeSecret' | 'UpdateSecretVersionStage'
  | 'TagResource' | 'UntagResource' | 'DeleteSecret' | 'RestoreSecret' | 'ListSecrets' | 'RotateSecret';

export interface FakeSecretsManagerOptions { accountId: string; region: string; clock?: () => number }

/** Secret-free view for tests and the sandbox summary. */
export interface SecretView {
  name: string; arn: string; description?: string; kmsKeyId?: string; tags: Record<string, string>;
  versions: Array<{ versionId: string; stages: string[] }>;
  scheduledForDeletion: boolean; deletedDate?: Date; deletionDate?: Date;
  rotationEnabled: boolean; rotationLambdaArn?: string;
}

/** RotateSecret with RotateImmediately: recorded, not run; the caller may invoke the rotation Lambda. */
export interface RotationRequest { secretName: string; secretArn: string; clientRequestToken: string; rotationLambdaArn: string; requestedAt: Date }

const DAY_MS = 86_400_000;
const MAX_TAGS = 50;

/** A stateful in-memory Secrets Manager wired onto one real `SecretsManagerClient` instance. */
export class FakeSecretsManager {
  /** Use resetHistory(), never reset(): reset() would drop every emulated behaviour. */
  readonly mock: AwsClientStub<SecretsManagerClient>;
  private readonly faults = new FaultPlan<SecretsManagerCommandName>();
  private readonly secretsByName = new Map<string, SecretRecord>();
  private readonly rotations: RotationRequest[] = [];
  private readonly clock: () => number;

  constructor(readonly client: SecretsManagerClient, private readonly options: FakeSecretsManagerOptions) {
    this.clock = options.clock ?? Date.now;
    const mock = mockClient(client);
    this.mock = mock;
    rejectUnemulatedCommands(mock, 'FakeSecretsManager', 'local/aws/fake-secrets-manager.ts');
    const run = <T>(name: SecretsManagerCommandName, handler: () => T) =>
      runCommand(this.faults, name, () => ({ ...handler(), $metadata: responseMetadata() }));
    mock
      .on(CreateSecretCommand).callsFake((input: CreateSecretCommandInput) => run('CreateSecret', () => this.createSecret(input)))
      .on(GetSecretValueCommand).callsFake((input: GetSecretValueCommandInput) => run('GetSecretValue', () => this.getSecretValue(input)))
      .on(PutSecretValueCommand).callsFake((input: PutSecretValueCommandInput) => run('PutSecretValue', () => this.putSecretValue(input)))
      .on(DescribeSecretCommand).callsFake((input: DescribeSecretCommandInput) => run('DescribeSecret', () => describeSecret(this.resolve(input.SecretId, true))))
      .on(UpdateSecretVersionStageCommand).callsFake((input: UpdateSecretVersionStageCommandInput) => run('UpdateSecretVersionStage', () => this.updateVersionStage(input)))
      .on(TagResourceCommand).callsFake((input: TagResourceCommandInput) => run('TagResource', () => this.tagResource(input)))
      .on(UntagResourceCommand).callsFake((input: UntagResourceCommandInput) => run('UntagResource', () => this.untagResource(input)))
      .on(DeleteSecretCommand).callsFake((input: DeleteSecretCommandInput) => run('DeleteSecret', () => this.deleteSecret(input)))
      .on(RestoreSecretCommand).callsFake((input: RestoreSecretCommandInput) => run('RestoreSecret', () => this.restoreSecret(input)))
      .on(ListSecretsCommand).callsFake((input: ListSecretsCommandInput) => run('ListSecrets', () => this.listSecrets(input)))
      .on(RotateSecretCommand).callsFake((input: RotateSecretCommandInput) => run('RotateSecret', () => this.rotateSecret(input)));
  }

  // ---- test and sandbox API -------------------------------------------------------------------

  failNext(command: SecretsManagerCommandName, error: FaultSource, times = 1): void {
    this.faults.failNext(command, error, times);
  }

  secrets(): SecretView[] {
    this.purgeExpired();
    return [...this.secretsByName.values()].map((secret) => ({
      name: secret.name, arn: secret.arn, description: secret.description, kmsKeyId: secret.kmsKeyId,
      tags: Object.fromEntries(secret.tags.map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
      versions: Object.entries(secret.versions.stagesByVersion()).map(([versionId, stages]) => ({ versionId, stages })),
      scheduledForDeletion: secret.deletionDate !== undefined, deletedDate: secret.deletedDate, deletionDate: secret.deletionDate,
      rotationEnabled: secret.rotation?.enabled ?? false, rotationLambdaArn: secret.rotation?.lambdaArn,
    }));
  }

  /** Test-only: the value at a staging label, bypassing deletion state (for asserting what was stored). */
  revealSecretValueForTest(secretId: string, stage = AWSCURRENT): string | undefined {
    return this.resolve(secretId, true).versions.withStage(stage)?.secretString;
  }

  rotationRequests(): readonly RotationRequest[] {
    return [...this.rotations];
  }

  restore(): void {
    this.mock.restore();
  }

  // ---- lookup ---------------------------------------------------------------------------------

  private now(): Date {
    return new Date(this.clock());
  }

  private purgeExpired(): void {
    for (const [name, secret] of this.secretsByName) {
      if (secret.deletionDate && secret.deletionDate.getTime() <= this.clock()) this.secretsByName.delete(name);
    }
  }

  /** SecretId may be the name, the full ARN or the ARN without its six-character suffix. */
  private resolve(secretId: string | undefined, allowScheduledForDeletion = false): SecretRecord {
    this.purgeExpired();
    const secret = [...this.secretsByName.values()].find(
      (candidate) => secretId === candidate.name || secretId === candidate.arn || secretId === candidate.arn.slice(0, -7),
    );
    if (!secret) throw secretsErrors.notFound();
    if (secret.deletionDate && !allowScheduledForDeletion) throw secretsErrors.markedForDeletion();
    return secret;
  }

  private requireString(input: { SecretString?: string; SecretBinary?: Uint8Array }): string {
    if (input.SecretBinary !== undefined) throw new NotEmulatedError('FakeSecretsManager does not emulate SecretBinary.');
    if (input.SecretString === undefined) throw secretsErrors.invalidParameter('You must provide either SecretString or SecretBinary.');
    if (input.SecretString.length > 65_536) throw secretsErrors.validation('SecretString must have length less than or equal to 65536');
    return input.SecretString;
  }

  // ---- commands -------------------------------------------------------------------------------

  private createSecret(input: CreateSecretCommandInput) {
    const name = validateSecretName(input.Name);
    this.purgeExpired();
    const existing = this.secretsByName.get(name);
    if (existing) throw existing.deletionDate ? secretsErrors.nameScheduledForDeletion() : secretsErrors.exists(name);
    const tags = [...(input.Tags ?? [])];
    if (tags.length > MAX_TAGS) throw secretsErrors.tagLimit();
    const hasValue = input.SecretString !== undefined || input.SecretBinary !== undefined;
    const secretString = hasValue ? this.requireString(input) : undefined;
    const versionId = validateClientRequestToken(input.ClientRequestToken) ?? randomUUID();
    const secret: SecretRecord = {
      name, arn: `arn:aws:secretsmanager:${this.options.region}:${this.options.accountId}:secret:${name}-${newSecretArnSuffix()}`,
      description: input.Description, kmsKeyId: input.KmsKeyId, tags, createdDate: this.now(), lastChangedDate: this.now(),
      versions: new SecretVersions(),
    };
    if (secretString !== undefined) secret.versions.moveStage(AWSCURRENT, secret.versions.add(versionId, secretString, this.now()));
    this.secretsByName.set(name, secret);
    return { ARN: secret.arn, Name: name, ...(secretString !== undefined ? { VersionId: versionId } : {}) };
  }

  private getSecretValue(input: GetSecretValueCommandInput) {
    const secret = this.resolve(input.SecretId);
    const version = this.selectVersion(secret, input.VersionId, input.VersionStage);
    // Secrets Manager records the access date without a time of day.
    secret.lastAccessedDate = new Date(Math.floor(this.clock() / DAY_MS) * DAY_MS);
    return {
      ARN: secret.arn, Name: secret.name, VersionId: version.versionId, SecretString: version.secretString,
      VersionStages: [...version.stages], CreatedDate: version.createdDate,
    };
  }

  private selectVersion(secret: SecretRecord, versionId: string | undefined, stage: string | undefined): SecretVersion {
    if (versionId !== undefined) {
      const version = secret.versions.get(versionId);
      if (!version || (stage !== undefined && !version.stages.has(stage))) {
        throw secretsErrors.versionNotFound(stage === undefined ? `VersionId: ${versionId}` : `VersionId: ${versionId} and staging label: ${stage}`);
      }
      return version;
    }
    const label = stage ?? AWSCURRENT;
    const version = secret.versions.withStage(label);
    if (!version) throw secretsErrors.versionNotFound(`staging label: ${label}`);
    return version;
  }

  private putSecretValue(input: PutSecretValueCommandInput) {
    const secret = this.resolve(input.SecretId);
    const secretString = this.requireString(input);
    const versionId = validateClientRequestToken(input.ClientRequestToken) ?? randomUUID();
    const existing = secret.versions.get(versionId);
    if (existing) {
      // Same token and same value is a retry and is ignored; a different value is an error.
      if (existing.secretString !== secretString) throw secretsErrors.versionExists();
      return { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: [...existing.stages] };
    }
    const version = secret.versions.add(versionId, secretString, this.now());
    for (const stage of input.VersionStages ?? [AWSCURRENT]) secret.versions.moveStage(stage, version);
    secret.lastChangedDate = this.now();
    return { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: [...version.stages] };
  }

  private updateVersionStage(input: UpdateSecretVersionStageCommandInput) {
    const secret = this.resolve(input.SecretId);
    const stage = input.VersionStage;
    if (!stage) throw secretsErrors.invalidParameter('VersionStage is required.');
    const holder = secret.versions.withStage(stage);
    if (input.RemoveFromVersionId !== undefined && holder?.versionId !== input.RemoveFromVersionId) {
      throw secretsErrors.invalidParameter(`The staging label ${stage} is not attached to version ${input.RemoveFromVersionId}.`);
    }
    if (input.MoveToVersionId === undefined) {
      if (stage === AWSCURRENT) {
        throw secretsErrors.invalidParameter("You can only move staging label AWSCURRENT to a different secret version. It can't be completely removed.");
      }
      if (holder) secret.versions.removeStage(stage, holder);
      return { ARN: secret.arn, Name: secret.name };
    }
    const target = secret.versions.get(input.MoveToVersionId);
    if (!target) throw secretsErrors.versionNotFound(`VersionId: ${input.MoveToVersionId}`);
    if (holder && holder !== target && input.RemoveFromVersionId !== holder.versionId) {
      throw secretsErrors.invalidParameter(
        `The parameter RemoveFromVersionId can't be empty. Staging label ${stage} is currently attached to version ${holder.versionId}, so you must explicitly reference that version in RemoveFromVersionId.`,
      );
    }
    secret.versions.moveStage(stage, target);
    secret.lastChangedDate = this.now();
    return { ARN: secret.arn, Name: secret.name };
  }

  private tagResource(input: TagResourceCommandInput) {
    const secret = this.resolve(input.SecretId);
    const merged = new Map(secret.tags.map((tag) => [tag.Key, tag]));
    for (const tag of input.Tags ?? []) merged.set(tag.Key, { Key: tag.Key, Value: tag.Value });
    if (merged.size > MAX_TAGS) throw secretsErrors.tagLimit();
    secret.tags = [...merged.values()];
    return {};
  }

  private untagResource(input: UntagResourceCommandInput) {
    const secret = this.resolve(input.SecretId);
    const removed = new Set(input.TagKeys ?? []);
    secret.tags = secret.tags.filter((tag) => !removed.has(tag.Key ?? ''));
    return {};
  }

  private deleteSecret(input: DeleteSecretCommandInput) {
    const secret = this.resolve(input.SecretId, input.ForceDeleteWithoutRecovery === true);
    if (input.ForceDeleteWithoutRecovery) {
      validateRecoveryWindow(input.RecoveryWindowInDays, true);
      this.secretsByName.delete(secret.name);
      return { ARN: secret.arn, Name: secret.name, DeletionDate: this.now() };
    }
    const windowDays = validateRecoveryWindow(input.RecoveryWindowInDays, false);
    secret.deletedDate = this.now();
    secret.deletionDate = new Date(this.clock() + windowDays * DAY_MS);
    return { ARN: secret.arn, Name: secret.name, DeletionDate: secret.deletionDate };
  }

  private restoreSecret(input: RestoreSecretCommandInput) {
    const secret = this.resolve(input.SecretId, true);
    delete secret.deletedDate;
    delete secret.deletionDate;
    return { ARN: secret.arn, Name: secret.name };
  }

  private listSecrets(input: ListSecretsCommandInput) {
    this.purgeExpired();
    const matching = [...this.secretsByName.values()]
      .filter((secret) => input.IncludePlannedDeletion === true || secret.deletionDate === undefined)
      .filter((secret) => (input.Filters ?? []).every((filter) => matchesListFilter(secret, filter)));
    if (input.SortOrder === 'desc') matching.reverse();
    const start = input.NextToken === undefined ? 0 : Number.parseInt(input.NextToken, 10);
    const pageSize = input.MaxResults ?? 100;
    const page = matching.slice(start, start + pageSize);
    const entries: SecretListEntry[] = page.map((secret) => {
      const { VersionIdsToStages, ...described } = describeSecret(secret);
      return { ...described, SecretVersionsToStages: VersionIdsToStages };
    });
    return { SecretList: entries, ...(start + pageSize < matching.length ? { NextToken: String(start + pageSize) } : {}) };
  }

  private rotateSecret(input: RotateSecretCommandInput) {
    const secret = this.resolve(input.SecretId);
    const lambdaArn = input.RotationLambdaARN ?? secret.rotation?.lambdaArn;
    if (!lambdaArn) throw secretsErrors.invalidRequest('No Lambda rotation function ARN is associated with this secret.');
    if (secret.versions.hasUnfinishedRotation()) {
      throw secretsErrors.invalidRequest("A previous rotation isn't complete. That rotation will be reattempted.");
    }
    secret.rotation = { ...secret.rotation, enabled: true, lambdaArn, rules: input.RotationRules ?? secret.rotation?.rules };
    if (input.RotateImmediately === false) return { ARN: secret.arn, Name: secret.name };
    const clientRequestToken = validateClientRequestToken(input.ClientRequestToken) ?? randomUUID();
    this.rotations.push({ secretName: secret.name, secretArn: secret.arn, clientRequestToken, rotationLambdaArn: lambdaArn, requestedAt: this.now() });
    return { ARN: secret.arn, Name: secret.name, VersionId: clientRequestToken };
  }
}

/** Installs a FakeSecretsManager on `client` (per instance: other clients stay untouched). */
export function installFakeSecretsManager(client: SecretsManagerClient, options: FakeSecretsManagerOptions): FakeSecretsManager {
  return new FakeSecretsManager(client, options);
}
