import * as z from 'zod';
import type { SecretRecord } from './secret-record.js';
import { SecretVersions } from './secret-versions.js';
import type { RotationRequest } from './secrets-store.js';
import { dateOf, isoDateSchema, parseStateDocument, reportDuplicates } from './store-snapshots.js';

/**
 * SecretsStore's contents as a JSON document, so the sandbox can save the fake between commands and
 * rebuild it in another process. Lists keep the store's order (ListSecrets answers in it).
 */

const versionSchema = z.strictObject({
  versionId: z.string().min(1),
  // The fake emulates SecretString only (SecretBinary is NotEmulatedError), so no version holds binary.
  secretString: z.string(),
  createdDate: isoDateSchema,
  /** Empty for a deprecated version: still readable by id, no longer listed. */
  stages: z.array(z.string().min(1)),
});

const rotationSchema = z.strictObject({
  enabled: z.boolean(),
  lambdaArn: z.string().optional(),
  rules: z
    .strictObject({ AutomaticallyAfterDays: z.number().optional(), Duration: z.string().optional(), ScheduleExpression: z.string().optional() })
    .optional(),
  lastRotatedDate: isoDateSchema.optional(),
});

const secretSchema = z
  .strictObject({
    name: z.string().min(1),
    arn: z.string().min(1),
    description: z.string().optional(),
    kmsKeyId: z.string().optional(),
    tags: z.array(z.strictObject({ Key: z.string().optional(), Value: z.string().optional() })),
    createdDate: isoDateSchema,
    lastChangedDate: isoDateSchema,
    lastAccessedDate: isoDateSchema.optional(),
    /** When DeleteSecret was called, and when the recovery window ends and the secret is purged. */
    deletedDate: isoDateSchema.optional(),
    deletionDate: isoDateSchema.optional(),
    rotation: rotationSchema.optional(),
    versions: z.array(versionSchema),
  })
  .superRefine((secret, context) => {
    reportDuplicates(context, ['versions'], 'version id', secret.versions, (version) => version.versionId);
    reportDuplicates(context, ['versions'], 'staging label (a label is on at most one version)', secret.versions, (version) => version.stages);
  });

const rotationRequestSchema = z.strictObject({
  secretName: z.string().min(1),
  secretArn: z.string().min(1),
  clientRequestToken: z.string().min(1),
  rotationLambdaArn: z.string().min(1),
  requestedAt: isoDateSchema,
});

const secretsStoreStateSchema = z
  .strictObject({
    version: z.literal(1),
    accountId: z.string(),
    region: z.string(),
    secrets: z.array(secretSchema),
    /** RotateSecret requests not yet taken by the caller, oldest first. */
    rotationRequests: z.array(rotationRequestSchema),
  })
  .superRefine((state, context) => {
    reportDuplicates(context, ['secrets'], 'secret name', state.secrets, (secret) => secret.name);
    reportDuplicates(context, ['secrets'], 'secret ARN', state.secrets, (secret) => secret.arn);
  });

/** SecretsStore's whole contents, secret values included: what exportState() writes and importState() reads. */
export type SecretsStoreState = z.infer<typeof secretsStoreStateSchema>;

interface Origin {
  accountId: string;
  region: string;
}

export function exportSecretsState(origin: Origin, secrets: Iterable<SecretRecord>, rotations: readonly RotationRequest[]): SecretsStoreState {
  return {
    version: 1,
    accountId: origin.accountId,
    region: origin.region,
    secrets: [...secrets].map((secret) => ({
      name: secret.name,
      arn: secret.arn,
      description: secret.description,
      kmsKeyId: secret.kmsKeyId,
      tags: secret.tags.map(({ Key, Value }) => ({ Key, Value })),
      createdDate: secret.createdDate.toISOString(),
      lastChangedDate: secret.lastChangedDate.toISOString(),
      lastAccessedDate: secret.lastAccessedDate?.toISOString(),
      deletedDate: secret.deletedDate?.toISOString(),
      deletionDate: secret.deletionDate?.toISOString(),
      rotation: secret.rotation && {
        enabled: secret.rotation.enabled,
        lambdaArn: secret.rotation.lambdaArn,
        rules: secret.rotation.rules && { ...secret.rotation.rules },
        lastRotatedDate: secret.rotation.lastRotatedDate?.toISOString(),
      },
      versions: secret.versions.list().map((version) => ({
        versionId: version.versionId,
        secretString: version.secretString,
        createdDate: version.createdDate.toISOString(),
        stages: [...version.stages],
      })),
    })),
    rotationRequests: rotations.map((request) => ({ ...request, requestedAt: request.requestedAt.toISOString() })),
  };
}

/**
 * Validates `state` in full, then replaces the store's secrets (keyed by name, as SecretsStore keeps
 * them) and pending rotation requests with it; nothing changes when `state` is refused.
 */
export function importSecretsState(state: unknown, origin: Origin, secretsByName: Map<string, SecretRecord>, rotations: RotationRequest[]): void {
  const document = parseStateDocument('FakeSecretsManager', secretsStoreStateSchema, state, { accountId: origin.accountId, region: origin.region });
  secretsByName.clear();
  for (const { versions, createdDate, lastChangedDate, lastAccessedDate, deletedDate, deletionDate, rotation, ...secret } of document.secrets) {
    const record: SecretRecord = {
      ...secret,
      createdDate: dateOf(createdDate),
      lastChangedDate: dateOf(lastChangedDate),
      lastAccessedDate: dateOf(lastAccessedDate),
      deletedDate: dateOf(deletedDate),
      deletionDate: dateOf(deletionDate),
      rotation: rotation && { ...rotation, lastRotatedDate: dateOf(rotation.lastRotatedDate) },
      versions: new SecretVersions(),
    };
    for (const version of versions) record.versions.add(version.versionId, version.secretString, dateOf(version.createdDate), version.stages);
    secretsByName.set(record.name, record);
  }
  rotations.splice(0, rotations.length, ...document.rotationRequests.map((request) => ({ ...request, requestedAt: dateOf(request.requestedAt) })));
}
