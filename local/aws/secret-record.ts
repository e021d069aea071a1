import type { Filter, RotationRulesType, Tag } from '@aws-sdk/client-secrets-manager';
import type { SecretVersions } from './secret-versions.js';
import { NotEmulatedError } from './strict-mock.js';

/** One secret as the Secrets Manager fake stores it, and its value-free read models. */
export interface SecretRecord {
  name: string;
  arn: string;
  description?: string;
  kmsKeyId?: string;
  tags: Tag[];
  createdDate: Date;
  lastChangedDate: Date;
  lastAccessedDate?: Date;
  /** When DeleteSecret was called, and when the recovery window ends and the secret is purged. */
  deletedDate?: Date;
  deletionDate?: Date;
  versions: SecretVersions;
  rotation?: { enabled: boolean; lambdaArn?: string; rules?: RotationRulesType; lastRotatedDate?: Date };
}

/** Secret-free view for tests and the sandbox summary. */
export interface SecretView {
  name: string;
  arn: string;
  description?: string;
  kmsKeyId?: string;
  tags: Record<string, string>;
  versions: Array<{ versionId: string; stages: string[] }>;
  scheduledForDeletion: boolean;
  deletedDate?: Date;
  deletionDate?: Date;
  rotationEnabled: boolean;
  rotationLambdaArn?: string;
}

export function secretView(secret: SecretRecord): SecretView {
  return {
    name: secret.name,
    arn: secret.arn,
    description: secret.description,
    kmsKeyId: secret.kmsKeyId,
    tags: Object.fromEntries(secret.tags.map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
    versions: Object.entries(secret.versions.stagesByVersion()).map(([versionId, stages]) => ({ versionId, stages })),
    scheduledForDeletion: secret.deletionDate !== undefined,
    deletedDate: secret.deletedDate,
    deletionDate: secret.deletionDate,
    rotationEnabled: secret.rotation?.enabled ?? false,
    rotationLambdaArn: secret.rotation?.lambdaArn,
  };
}

/** DescribeSecret's answer: fields the secret never had are omitted, as the service omits them. */
export function describeSecret(secret: SecretRecord) {
  const optional = (value: unknown, entry: Record<string, unknown>) => (value === undefined ? {} : entry);
  return {
    ARN: secret.arn,
    Name: secret.name,
    CreatedDate: secret.createdDate,
    LastChangedDate: secret.lastChangedDate,
    ...optional(secret.description, { Description: secret.description }),
    ...optional(secret.kmsKeyId, { KmsKeyId: secret.kmsKeyId }),
    ...optional(secret.lastAccessedDate, { LastAccessedDate: secret.lastAccessedDate }),
    ...optional(secret.deletedDate, { DeletedDate: secret.deletedDate }),
    ...optional(secret.rotation, {
      RotationEnabled: secret.rotation?.enabled,
      RotationLambdaARN: secret.rotation?.lambdaArn,
      RotationRules: secret.rotation?.rules,
      LastRotatedDate: secret.rotation?.lastRotatedDate,
    }),
    ...optional(secret.tags.length > 0 ? true : undefined, { Tags: [...secret.tags] }),
    VersionIdsToStages: secret.versions.stagesByVersion(),
  };
}

/**
 * ListSecrets filters: prefix matches (description case-insensitive), values of one key OR-ed,
 * a leading `!` negates; the caller AND-s the keys.
 */
export function matchesListFilter(secret: SecretRecord, filter: Filter): boolean {
  const fields: Record<string, () => string[]> = {
    name: () => [secret.name],
    description: () => [secret.description?.toLowerCase() ?? ''],
    'tag-key': () => secret.tags.map((tag) => tag.Key ?? ''),
    'tag-value': () => secret.tags.map((tag) => tag.Value ?? ''),
  };
  const field = fields[filter.Key ?? ''];
  if (!field) throw new NotEmulatedError(`FakeSecretsManager does not emulate the ListSecrets filter key ${filter.Key}.`);
  const candidates = field();
  const values = filter.Values ?? [];
  const positive = values.filter((value) => !value.startsWith('!'));
  const negative = values.filter((value) => value.startsWith('!')).map((value) => value.slice(1));
  const prefixMatch = (value: string) => candidates.some((candidate) => candidate.startsWith(filter.Key === 'description' ? value.toLowerCase() : value));
  return (positive.length === 0 || positive.some(prefixMatch)) && !negative.some(prefixMatch);
}
