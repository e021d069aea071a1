import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import type S3rver from 's3rver';
import type { TrailObject } from './cloudtrail-fixtures.js';
import type { FakeIam } from './fake-iam.js';
import { installDelimiterListingFix, listingWithOwnerAccess } from './s3-delimiter-listing.js';
import { installS3Emulation } from './s3-emulation.js';
import type { S3Caller } from './s3-emulation.js';
import type { EmulatedBucket } from './s3-permissions.js';

/** s3rver knows one account; every request reaches it signed with these (TOOLCHAIN.md). */
const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3SandboxOptions {
  iam: FakeIam;
  defaultRegion: string;
  /**
   * Where s3rver keeps buckets and objects, kept after stop() (a sandbox that outlives its
   * process). Default: a private temp directory, removed by stop().
   */
  directory?: string;
}

export interface BucketSpec {
  name: string;
  region?: string;
  encryption?: 'SSE-S3' | 'SSE-KMS' | 'none';
  kmsKeyArn?: string;
  bucketKeyEnabled?: boolean;
  denyProductAccess?: boolean;
}

const requireFromHere = createRequire(import.meta.url);

/**
 * Loads s3rver through CommonJS. Under tsx (the `npm start` runner) `require('generator-function')`
 * yields the ES module namespace instead of the function, and koa (inside s3rver) then crashes in
 * its constructor; vitest and plain node are unaffected. Unwrapping the cached module fixes both.
 */
function loadS3rver(): typeof S3rver {
  const requireFromIsGenerator = createRequire(requireFromHere.resolve('is-generator-function'));
  const path = requireFromIsGenerator.resolve('generator-function');
  requireFromIsGenerator('generator-function');
  const cached = requireFromIsGenerator.cache[path];
  if (cached && typeof cached.exports !== 'function') {
    cached.exports = (cached.exports as { default?: unknown }).default;
  }
  return requireFromHere('s3rver') as typeof S3rver;
}

/**
 * S3 on 127.0.0.1 through s3rver (random port, private temp directory), with bucket region,
 * default encryption and IAM authorisation emulated by `installS3Emulation`.
 */
export class S3Sandbox {
  private readonly registry = new Map<string, EmulatedBucket>();

  private constructor(
    private readonly server: S3rver,
    /** s3rver's storage; removed again by stop() unless the caller chose it. */
    readonly directory: string,
    private readonly ownsDirectory: boolean,
    readonly endpoint: string,
    private readonly options: S3SandboxOptions,
  ) {}

  static async start(options: S3SandboxOptions): Promise<S3Sandbox> {
    const ownsDirectory = options.directory === undefined;
    const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'aws-sandbox-s3-')));
    const S3rverServer = loadS3rver();
    const server = new S3rverServer({ address: '127.0.0.1', port: 0, silent: true, directory, vhostBuckets: false });
    try {
      const { port } = await server.run();
      return new S3Sandbox(server, directory, ownsDirectory, `http://127.0.0.1:${port}`, options);
    } catch (error) {
      if (ownsDirectory) await rm(directory, { recursive: true, force: true });
      throw error;
    }
  }

  /** A client acting as the product's own role: full access unless a bucket denies it. */
  clientForProduct(options: { region?: string } = {}): S3Client {
    return this.emulatedClient('product', S3RVER_CREDENTIALS, options.region);
  }

  /**
   * A client signing with an IAM user's key pair. Its configured credentials are the user's; the
   * emulation authenticates and authorises them against the IAM fake, then lets the request reach
   * s3rver under s3rver's own account, the only one s3rver accepts.
   */
  clientForCredentials(credentials: AwsCredentials, options: { region?: string } = {}): S3Client {
    return this.emulatedClient('credentials', credentials, options.region);
  }

  async createBucket(spec: BucketSpec): Promise<EmulatedBucket> {
    const region = spec.region ?? this.options.defaultRegion;
    const encryptionType = spec.encryption ?? 'SSE-S3';
    if (encryptionType === 'SSE-KMS' && !spec.kmsKeyArn) throw new Error(`Bucket ${spec.name}: SSE-KMS needs a kmsKeyArn.`);
    await this.rawClient().send(new CreateBucketCommand({ Bucket: spec.name }));
    const bucket: EmulatedBucket = {
      name: spec.name,
      region,
      encryption:
        encryptionType === 'SSE-KMS'
          ? { type: 'SSE-KMS', kmsKeyArn: spec.kmsKeyArn ?? '', bucketKeyEnabled: spec.bucketKeyEnabled ?? true }
          : { type: encryptionType },
      denyProductAccess: spec.denyProductAccess ?? false,
    };
    this.registry.set(spec.name, bucket);
    return bucket;
  }

  /** Writes objects directly (as CloudTrail would), bypassing the product-facing emulation. */
  async putObjects(bucketName: string, objects: readonly TrailObject[]): Promise<void> {
    const client = this.rawClient();
    await Promise.all(
      objects.map((object) =>
        client.send(
          new PutObjectCommand({
            Bucket: bucketName,
            Key: object.key,
            Body: object.body,
            ContentType: object.contentType,
            ContentEncoding: object.contentEncoding,
            Metadata: object.metadata,
          }),
        ),
      ),
    );
  }

  setProductAccessDenied(bucketName: string, denied: boolean): void {
    const bucket = this.registry.get(bucketName);
    if (!bucket) throw new Error(`Unknown sandbox bucket ${bucketName}.`);
    bucket.denyProductAccess = denied;
  }

  /**
   * Takes back what buckets() reported in an earlier sandbox on the same directory: s3rver still
   * holds their objects there; the region, encryption and access the emulation adds are these.
   */
  importBuckets(buckets: readonly EmulatedBucket[]): void {
    for (const bucket of buckets) this.registry.set(bucket.name, { ...bucket, encryption: { ...bucket.encryption } });
  }

  buckets(): EmulatedBucket[] {
    return [...this.registry.values()].map((bucket) => ({ ...bucket, encryption: { ...bucket.encryption } }));
  }

  async stop(): Promise<void> {
    await this.server.close();
    if (this.ownsDirectory) await rm(this.directory, { recursive: true, force: true });
  }

  private baseConfig(region: string): S3ClientConfig {
    return {
      region,
      endpoint: this.endpoint,
      forcePathStyle: true,
      // Without these, s3rver silently stores streamed uploads corrupted (TOOLCHAIN.md).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    };
  }

  private rawClient(): S3Client {
    return new S3Client({ ...this.baseConfig(this.options.defaultRegion), credentials: S3RVER_CREDENTIALS, maxAttempts: 1 });
  }

  private emulatedClient(kind: S3Caller['kind'], credentials: AwsCredentials, region = this.options.defaultRegion): S3Client {
    const config: S3ClientConfig = { ...this.baseConfig(region), credentials };
    if (kind === 'credentials') {
      // The SDK's SigV4 signer takes its keys from the client's signer, not from the resolved
      // identity; sign with a twin client's signer so s3rver sees the one account it knows.
      const s3rverTwin = new S3Client({ ...this.baseConfig(region), credentials: S3RVER_CREDENTIALS });
      config.signer = (authScheme) => s3rverTwin.config.signer(authScheme);
    }
    const client = new S3Client(config);
    const caller: S3Caller = kind === 'product' ? { kind } : { kind, credentials: () => client.config.credentials() };
    installS3Emulation(client, { caller, bucket: (name) => this.registry.get(name), iam: this.options.iam });
    installDelimiterListingFix(client, listingWithOwnerAccess(this.rawClient()));
    return client;
  }
}
