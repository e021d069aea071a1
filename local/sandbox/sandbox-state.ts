import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import type { AwsSandbox } from '../aws/index.js';
import type { DirectorSimulator, DirectorStateExport } from '../director-simulator/index.js';
import { executionRecordsSchema, type ExecutionRegistry } from './execution-registry.js';
import type { VirtualClock } from './virtual-clock.js';

/**
 * A sandbox written out whole, so that a later process takes it back and goes on as if it had
 * never stopped (the operator CLI's `.sandbox/`): IAM, Secrets Manager, KMS key policies, the DynamoDB tables, the
 * buckets' emulated settings (s3rver keeps the objects in its own directory), the Director
 * simulator, the executions it ran and where its time stood. It holds what AWS and Director would
 * hold, secrets included (the readers' secret access keys, the Director secretKey): it is the
 * stand-ins' own storage, never the product's state or output.
 */

const SANDBOX_STATE_VERSION = 1;

const emulatedBucketSchema = z.strictObject({
  name: z.string(),
  region: z.string(),
  encryption: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('SSE-S3') }),
    z.strictObject({ type: z.literal('SSE-KMS'), kmsKeyArn: z.string(), bucketKeyEnabled: z.boolean() }),
    z.strictObject({ type: z.literal('none') }),
  ]),
  denyProductAccess: z.boolean(),
});

/** DynamoDB's JSON for one attribute (dynalite validates the rest as it takes the item). */
const attributeValueSchema = z.custom<AttributeValue>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), 'an attribute value');

// Each stand-in validates its own part when it takes it back; here only the envelope is checked.
const sandboxStateSchema = z.strictObject({
  version: z.literal(SANDBOX_STATE_VERSION),
  savedAt: z.iso.datetime(),
  /** The sandbox's time when it was saved. */
  clock: z.iso.datetime(),
  iam: z.unknown(),
  secretsManager: z.unknown(),
  kms: z.unknown(),
  /** Table → items, in DynamoDB's JSON. */
  dynamodb: z.record(z.string(), z.array(z.record(z.string(), attributeValueSchema))),
  buckets: z.array(emulatedBucketSchema),
  director: z.custom<DirectorStateExport>((value) => typeof value === 'object' && value !== null, 'a Director simulator export'),
  executions: executionRecordsSchema,
});
export type SandboxState = z.infer<typeof sandboxStateSchema>;

/** Reads a saved sandbox, refusing a document of another shape or version with what is wrong. */
export function parseSandboxState(document: unknown, source: string): SandboxState {
  const parsed = sandboxStateSchema.safeParse(document);
  if (!parsed.success) throw new Error(`${source} is not a saved sandbox of this version: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

interface SandboxParts {
  aws: AwsSandbox;
  director: DirectorSimulator;
  executions: ExecutionRegistry;
  clock: VirtualClock;
}

/** Writes the sandbox out (after its executions have ended: a run in progress has state no file can hold). */
export async function exportSandboxState(parts: SandboxParts): Promise<SandboxState> {
  await parts.executions.settled();
  return {
    version: SANDBOX_STATE_VERSION,
    savedAt: new Date().toISOString(),
    clock: parts.clock.now().toISOString(),
    iam: parts.aws.fakes.iam.exportState(),
    secretsManager: parts.aws.fakes.secretsManager.exportState(),
    kms: parts.aws.fakes.kms.exportState(),
    dynamodb: await parts.aws.fakes.dynamo.exportItems(),
    buckets: parts.aws.fakes.s3.buckets(),
    director: parts.director.exportState(),
    executions: parts.executions.executions(),
  };
}

/** Takes the AWS side back (the Director simulator takes its part when it starts: `restoreFrom`). */
export async function importSandboxState(parts: Omit<SandboxParts, 'director'>, state: SandboxState): Promise<void> {
  parts.aws.fakes.iam.importState(state.iam);
  parts.aws.fakes.secretsManager.importState(state.secretsManager);
  parts.aws.fakes.kms.importState(state.kms);
  await parts.aws.fakes.dynamo.importItems(state.dynamodb);
  parts.aws.fakes.s3.importBuckets(state.buckets);
  parts.executions.importExecutions(state.executions);
  parts.clock.catchUp(new Date(state.clock));
}
