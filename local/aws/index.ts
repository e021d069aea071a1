import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { FakeOrganizations, type FakeOrganizationSpec } from './fake-organizations.js';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import type { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AccountLockAttribute } from '../../lambda/contract/account-lock.js';
import { RegistryAttribute } from '../../lambda/contract/account-registry.js';
import { buildTrailObjects, cloudTrailLogPrefix } from './cloudtrail-fixtures.js';
import { DynamoDbSandbox } from './dynamodb-sandbox.js';
import { FakeIam } from './fake-iam.js';
import type { AccessKeyStatus } from './iam-model.js';
import { FakeKms } from './fake-kms.js';
import { FakeSecretsManager } from './fake-secrets-manager.js';
import { S3Sandbox } from './s3-sandbox.js';
import type { AwsCredentials } from './s3-sandbox.js';

export interface AwsSandboxOptions {
  accountId: string;
  region: string;
  /**
   * The AWS Organization the account belongs to (the fleet run lists it).
   * @default organization o-a1b2c3d4e5 with `accountId` as its management account and only member
   */
  organization?: FakeOrganizationSpec;
  /** How long S3 refuses a freshly created access key (IAM eventual consistency). Default 0. */
  propagationDelayMs?: number;
  /** Milliseconds since the epoch, for tests that move time instead of waiting. */
  clock?: () => number;
  /** Where S3 keeps its buckets and objects, kept after stop(). Default: a temp directory stop() removes. */
  s3Directory?: string;
}

export interface TrailBucketSpec {
  name: string;
  region?: string;
  layout: 'account' | 'organization';
  organizationId?: string;
  /** The trail's S3 key prefix, if it has one. */
  prefix?: string;
  accountIds: string[];
  encryption?: 'SSE-S3' | 'SSE-KMS' | 'none';
  kmsKeyArn?: string;
  /** SSE-KMS: the key's policy (default: the one KMS gives a new key, deferring to the account's IAM). */
  kmsKeyPolicy?: Record<string, unknown>;
  /** Log files per account (and per event region). Default 3. */
  objectsPerAccount?: number;
  /** False: the trail has delivered no logs yet (digest files only). Default true. */
  withLogs?: boolean;
  /** Simulates a bucket policy that denies the product's role (HeadBucket → 403). */
  denyProductAccess?: boolean;
  trailName?: string;
  /** Regions whose events the trail delivers; default the bucket's region. */
  eventRegions?: string[];
}

interface TrailBucket {
  name: string;
  region: string;
  encryption: 'SSE-S3' | 'SSE-KMS' | 'none';
  kmsKeyArn?: string;
  /** Per account, the prefix that holds its log files, e.g. `AWSLogs/111122223333/CloudTrail/`. */
  logPrefixes: Record<string, string>;
  objectKeys: string[];
}

/** Secret-free state for the sandbox's `--json` output. */
interface AwsSandboxSummary {
  users: string[];
  accessKeys: Array<{ userName: string; accessKeyId: string; status: AccessKeyStatus }>;
  secrets: string[];
  /** The subset of `secrets` waiting out their recovery window. */
  secretsScheduledForDeletion: string[];
  buckets: string[];
}

export interface AwsSandbox {
  iam: IAMClient;
  secretsManager: SecretsManagerClient;
  dynamo: DynamoDBClient;
  /** The account lock table, created empty: the table the stack deploys, keyed the same way. */
  accountLockTable: string;
  /** The account registry table's name. */
  accountRegistryTable: string;
  s3ForProduct(options?: { region?: string }): S3Client;
  s3ForCredentials(credentials: AwsCredentials, options?: { region?: string }): S3Client;
  organizations: OrganizationsClient;
  /** KMS with the keys of SSE-KMS trail buckets and their key policies (GetKeyPolicy only). */
  kms: KMSClient;
  fakes: { iam: FakeIam; secretsManager: FakeSecretsManager; dynamo: DynamoDbSandbox; s3: S3Sandbox; organizations: FakeOrganizations; kms: FakeKms };
  createTrailBucket(spec: TrailBucketSpec): Promise<TrailBucket>;
  summary(): AwsSandboxSummary;
  stop(): Promise<void>;
}

const ORGANIZATION_ID_PATTERN = /^o-[a-z0-9]{10,32}$/;
// The fakes intercept `send`, so these never sign anything; they only keep the SDK from
// searching the environment for credentials.
const UNUSED_CREDENTIALS = { accessKeyId: 'AKIASANDBOXNOTUSED00', secretAccessKey: 'sandbox-credentials-are-never-used' };
/** CloudFormation names the deployed table; the sandbox has no stack, so it picks a name of that shape. */
/** The lock table's name in the sandbox (the role conformance test maps it to the synthesized table). */
export const ACCOUNT_LOCK_TABLE = 'CloudTrailOnboarding-AccountLocks';
/** The account registry's name in the sandbox. */
export const ACCOUNT_REGISTRY_TABLE = 'CloudTrailOnboarding-AccountRegistry';

/** Starts IAM, Secrets Manager, DynamoDB and S3 stand-ins that behave like one AWS account. */
export async function createAwsSandbox(options: AwsSandboxOptions): Promise<AwsSandbox> {
  const clock = options.clock ?? Date.now;
  const iam = new IAMClient({ region: 'us-east-1', credentials: UNUSED_CREDENTIALS });
  const secretsManager = new SecretsManagerClient({ region: options.region, credentials: UNUSED_CREDENTIALS });
  const fakeIam = new FakeIam(iam, { accountId: options.accountId, propagationDelayMs: options.propagationDelayMs, clock });
  const fakeSecrets = new FakeSecretsManager(secretsManager, { accountId: options.accountId, region: options.region, clock });
  const dynamoSandbox = await DynamoDbSandbox.start({
    region: options.region,
    tables: [
      { name: ACCOUNT_LOCK_TABLE, partitionKey: AccountLockAttribute.accountId },
      { name: ACCOUNT_REGISTRY_TABLE, partitionKey: RegistryAttribute.accountId },
    ],
  });
  const dynamo = dynamoSandbox.client;
  const organizations = new OrganizationsClient({ region: 'us-east-1', credentials: UNUSED_CREDENTIALS });
  const fakeOrganizations = new FakeOrganizations(
    organizations,
    options.organization ?? { organizationId: 'o-a1b2c3d4e5', managementAccountId: options.accountId, accounts: [{ id: options.accountId }] },
  );
  const kms = new KMSClient({ region: options.region, credentials: UNUSED_CREDENTIALS });
  const fakeKms = new FakeKms(kms, { accountId: options.accountId, region: options.region });
  const s3 = await S3Sandbox.start({
    iam: fakeIam,
    defaultRegion: options.region,
    ...(options.s3Directory === undefined ? {} : { directory: options.s3Directory }),
  });
  let stopped = false;

  async function createTrailBucket(spec: TrailBucketSpec): Promise<TrailBucket> {
    const region = spec.region ?? options.region;
    const encryption = spec.encryption ?? 'SSE-S3';
    if (spec.layout === 'organization' && !ORGANIZATION_ID_PATTERN.test(spec.organizationId ?? '')) {
      throw new Error(`Trail bucket ${spec.name}: an organization layout needs an organizationId like o-a1b2c3d4e5.`);
    }
    const kmsKeyArn = encryption === 'SSE-KMS' ? fakeKms.createKey({ keyArn: spec.kmsKeyArn, policy: spec.kmsKeyPolicy }) : undefined;
    await s3.createBucket({ name: spec.name, region, encryption, kmsKeyArn, denyProductAccess: spec.denyProductAccess });
    const layout = { prefix: spec.prefix, organizationId: spec.layout === 'organization' ? spec.organizationId : undefined };
    const objects = spec.accountIds.flatMap((accountId) =>
      buildTrailObjects({
        ...layout,
        bucketName: spec.name,
        accountId,
        regions: spec.eventRegions ?? [region],
        filesPerRegion: spec.objectsPerAccount ?? 3,
        withLogs: spec.withLogs ?? true,
        trailName: spec.trailName ?? 'management-events',
        homeRegion: region,
        now: new Date(clock()),
      }),
    );
    await s3.putObjects(spec.name, objects);
    return {
      name: spec.name,
      region,
      encryption,
      ...(kmsKeyArn ? { kmsKeyArn } : {}),
      logPrefixes: Object.fromEntries(spec.accountIds.map((accountId) => [accountId, cloudTrailLogPrefix(layout, accountId)])),
      objectKeys: objects.map((object) => object.key),
    };
  }

  return {
    iam,
    secretsManager,
    dynamo,
    accountLockTable: ACCOUNT_LOCK_TABLE,
    accountRegistryTable: ACCOUNT_REGISTRY_TABLE,
    s3ForProduct: (clientOptions) => s3.clientForProduct(clientOptions),
    s3ForCredentials: (credentials, clientOptions) => s3.clientForCredentials(credentials, clientOptions),
    organizations,
    kms,
    fakes: { iam: fakeIam, secretsManager: fakeSecrets, dynamo: dynamoSandbox, s3, organizations: fakeOrganizations, kms: fakeKms },
    createTrailBucket,
    summary: () => {
      const secrets = fakeSecrets.secrets();
      return {
        users: fakeIam.users().map((user) => user.userName),
        accessKeys: fakeIam.accessKeys().map(({ userName, accessKeyId, status }) => ({ userName, accessKeyId, status })),
        secrets: secrets.map((secret) => secret.name),
        secretsScheduledForDeletion: secrets.filter((secret) => secret.scheduledForDeletion).map((secret) => secret.name),
        buckets: s3.buckets().map((bucket) => bucket.name),
      };
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      fakeIam.restore();
      fakeSecrets.restore();
      await dynamoSandbox.stop();
      await s3.stop();
    },
  };
}
