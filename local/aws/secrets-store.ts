import { randomUUID } from 'node:crypto';
import type {
  CreateSecretCommandInput,
  DeleteSecretCommandInput,
  DescribeSecretCommandInput,
  GetSecretValueCommandInput,
  ListSecretsCommandInput,
  PutSecretValueCommandInput,
  RestoreSecretCommandInput,
  RotateSecretCommandInput,
  SecretListEntry,
  TagResourceCommandInput,
  UntagResourceCommandInput,
  UpdateSecretVersionStageCommandInput,
} from '@aws-sdk/client-secrets-manager';
import { newSecretArnSuffix } from './aws-ids.js';
import { describeSecret, matchesListFilter, secretView } from './secret-record.js';
import type { SecretRecord, SecretView } from './secret-record.js';
import { AWSCURRENT, SecretVersions } from './secret-versions.js';
import { exportSecretsState, importSecretsState } from './secrets-store-state.js';
import type { SecretsStoreState } from './secrets-store-state.js';
import { secretsErrors, validateClientRequestToken, validateRecoveryWindow, validateSecretName, validateSecretString } from './secrets-manager-errors.js';

/** RotateSecret with RotateImmediately: recorded, not run; the caller may invoke the rotation Lambda. */
export interface RotationRequest {
  secretName: string;
  secretArn: string;
  clientRequestToken: string;
  rotationLambdaArn: string;
  requestedAt: Date;
}

const DAY_MS = 86_400_000;
const MAX_TAGS = 50;

export interface SecretsStoreOptions {
  accountId: string;
  region: string;
  /** Milliseconds since the epoch. */
  clock: () => number;
}

/**
 * The secrets of one account (versions with their staging labels, tags, deletion and rotation
 * state) and Secrets Manager's answer to each emulated command, with its limits, messages and
 * exception classes. Answers carry no `$metadata`: FakeSecretsManager adds it when it wires these
 * answers onto a SecretsManagerClient.
 */
export class SecretsStore {
  private readonly secretsByName = new Map<string, SecretRecord>();
  private readonly rotations: RotationRequest[] = [];

  constructor(private readonly options: SecretsStoreOptions) {}

  // ---- views ----------------------------------------------------------------------------------

  secrets(): SecretView[] {
    this.purgeExpired();
    return [...this.secretsByName.values()].map(secretView);
  }

  /** The value at a staging label, even of a secret scheduled for deletion. */
  secretStringAt(secretId: string, stage: string): string | undefined {
    return this.resolve(secretId, true).versions.withStage(stage)?.secretString;
  }

  rotationRequests(): readonly RotationRequest[] {
    return [...this.rotations];
  }

  // ---- state export and import (secrets-store-state.ts) ---------------------------------------

  /** Every secret (values of all versions included) and the pending rotation requests, as JSON-safe data. */
  exportState(): SecretsStoreState {
    this.purgeExpired();
    return exportSecretsState(this.options, this.secretsByName.values(), this.rotations);
  }

  /** Replaces everything the store holds with an exported state; an invalid one is refused whole. */
  importState(state: unknown): void {
    importSecretsState(state, this.options, this.secretsByName, this.rotations);
  }

  // ---- lookup ---------------------------------------------------------------------------------

  private now(): Date {
    return new Date(this.options.clock());
  }

  private purgeExpired(): void {
    for (const [name, secret] of this.secretsByName) {
      if (secret.deletionDate && secret.deletionDate.getTime() <= this.options.clock()) this.secretsByName.delete(name);
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

  // ---- commands -------------------------------------------------------------------------------

  createSecret(input: CreateSecretCommandInput) {
    const name = validateSecretName(input.Name);
    this.purgeExpired();
    const existing = this.secretsByName.get(name);
    if (existing) throw existing.deletionDate ? secretsErrors.nameScheduledForDeletion() : secretsErrors.exists(name);
    const tags = [...(input.Tags ?? [])];
    if (tags.length > MAX_TAGS) throw secretsErrors.tagLimit();
    const hasValue = input.SecretString !== undefined || input.SecretBinary !== undefined;
    const secretString = hasValue ? validateSecretString(input) : undefined;
    const versionId = validateClientRequestToken(input.ClientRequestToken) ?? randomUUID();
    const secret: SecretRecord = {
      name,
      arn: `arn:aws:secretsmanager:${this.options.region}:${this.options.accountId}:secret:${name}-${newSecretArnSuffix()}`,
      description: input.Description,
      kmsKeyId: input.KmsKeyId,
      tags,
      createdDate: this.now(),
      lastChangedDate: this.now(),
      versions: new SecretVersions(),
    };
    if (secretString !== undefined) secret.versions.moveStage(AWSCURRENT, secret.versions.add(versionId, secretString, this.now()));
    this.secretsByName.set(name, secret);
    return { ARN: secret.arn, Name: name, ...(secretString !== undefined ? { VersionId: versionId } : {}) };
  }

  getSecretValue(input: GetSecretValueCommandInput) {
    const secret = this.resolve(input.SecretId);
    const version = secret.versions.select(input.VersionId, input.VersionStage);
    // Secrets Manager records the access date without a time of day.
    secret.lastAccessedDate = new Date(Math.floor(this.options.clock() / DAY_MS) * DAY_MS);
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      SecretString: version.secretString,
      VersionStages: [...version.stages],
      CreatedDate: version.createdDate,
    };
  }

  putSecretValue(input: PutSecretValueCommandInput) {
    const secret = this.resolve(input.SecretId);
    const secretString = validateSecretString(input);
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

  describeSecret(input: DescribeSecretCommandInput) {
    return describeSecret(this.resolve(input.SecretId, true));
  }

  updateSecretVersionStage(input: UpdateSecretVersionStageCommandInput) {
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

  tagResource(input: TagResourceCommandInput) {
    const secret = this.resolve(input.SecretId);
    const merged = new Map(secret.tags.map((tag) => [tag.Key, tag]));
    for (const tag of input.Tags ?? []) merged.set(tag.Key, { Key: tag.Key, Value: tag.Value });
    if (merged.size > MAX_TAGS) throw secretsErrors.tagLimit();
    secret.tags = [...merged.values()];
    return {};
  }

  untagResource(input: UntagResourceCommandInput) {
    const secret = this.resolve(input.SecretId);
    const removed = new Set(input.TagKeys ?? []);
    secret.tags = secret.tags.filter((tag) => !removed.has(tag.Key ?? ''));
    return {};
  }

  deleteSecret(input: DeleteSecretCommandInput) {
    const secret = this.resolve(input.SecretId, input.ForceDeleteWithoutRecovery === true);
    if (input.ForceDeleteWithoutRecovery) {
      validateRecoveryWindow(input.RecoveryWindowInDays, true);
      this.secretsByName.delete(secret.name);
      return { ARN: secret.arn, Name: secret.name, DeletionDate: this.now() };
    }
    const windowDays = validateRecoveryWindow(input.RecoveryWindowInDays, false);
    // One reading of the clock: Secrets Manager's DeletionDate is DeletedDate plus the window exactly.
    const deletedAt = this.options.clock();
    secret.deletedDate = new Date(deletedAt);
    secret.deletionDate = new Date(deletedAt + windowDays * DAY_MS);
    return { ARN: secret.arn, Name: secret.name, DeletionDate: secret.deletionDate };
  }

  restoreSecret(input: RestoreSecretCommandInput) {
    const secret = this.resolve(input.SecretId, true);
    delete secret.deletedDate;
    delete secret.deletionDate;
    return { ARN: secret.arn, Name: secret.name };
  }

  listSecrets(input: ListSecretsCommandInput) {
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

  rotateSecret(input: RotateSecretCommandInput) {
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
