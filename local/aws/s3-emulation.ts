import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { newS3RequestIds } from './aws-ids.js';
import type { FakeIam } from './fake-iam.js';
import { evaluatePolicies } from './policy-evaluator.js';
import { requiredPermissions } from './s3-permissions.js';
import type { EmulatedBucket } from './s3-permissions.js';
import { NotEmulatedError } from './strict-mock.js';

/**
 * What s3rver lacks — bucket region, default encryption and IAM authorisation — emulated as S3's
 * own wire responses. The middleware sits innermost in the deserialize step, right before the HTTP
 * handler, so the SDK's real deserializer turns each synthesized response into exactly the output
 * or exception class (`NoSuchBucket`, `S3ServiceException` named `AccessDenied` …) that AWS would
 * produce; requests it lets through travel over real HTTP to s3rver.
 */

type S3DeserializeMiddleware = Parameters<S3Client['middlewareStack']['add']>[0];

export type S3Caller = { kind: 'product' } | { kind: 'credentials'; credentials: () => Promise<{ accessKeyId: string; secretAccessKey: string }> };

export interface S3EmulationOptions {
  caller: S3Caller;
  bucket: (name: string) => EmulatedBucket | undefined;
  iam: FakeIam;
}

interface WireRequest {
  method: string;
  headers: Record<string, string>;
}
interface WireResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

function isWireRequest(value: unknown): value is WireRequest {
  return typeof value === 'object' && value !== null && 'method' in value && 'headers' in value;
}

function isWireResponse(value: unknown): value is WireResponse {
  return typeof value === 'object' && value !== null && typeof (value as WireResponse).statusCode === 'number';
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function wire(statusCode: number, xml: string, method: string, extraHeaders: Record<string, string> = {}): { response: WireResponse } {
  const { requestId, hostId } = newS3RequestIds();
  // HEAD responses carry no body, so the SDK can only derive the error from the status code.
  const body = method === 'HEAD' || xml === '' ? '' : `${XML_DECLARATION}${xml}`;
  const headers = {
    'x-amz-request-id': requestId,
    'x-amz-id-2': hostId,
    'content-type': 'application/xml',
    server: 'AmazonS3',
    date: new Date().toUTCString(),
    ...extraHeaders,
  };
  return { response: { statusCode, headers, body: Readable.from([Buffer.from(body)]) } };
}

function s3Error(statusCode: number, code: string, message: string, method: string, fields: Record<string, string> = {}, headers: Record<string, string> = {}) {
  const { requestId, hostId } = newS3RequestIds();
  const extra = Object.entries(fields)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  const xml = `<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message>${extra}<RequestId>${requestId}</RequestId><HostId>${hostId}</HostId></Error>`;
  return wire(statusCode, xml, method, headers);
}

/** The region a SigV4 request was signed for, from its credential scope. */
function signingRegion(request: WireRequest): string | undefined {
  const authorization = request.headers.authorization ?? request.headers.Authorization ?? '';
  return /Credential=[^/]+\/\d{8}\/([^/]+)\/s3\/aws4_request/.exec(authorization)?.[1];
}

async function discardBody(response: WireResponse): Promise<void> {
  if (response.body instanceof Readable) for await (const _chunk of response.body) void _chunk;
}

function locationXml(region: string): string {
  // us-east-1 is the one region S3 reports as an empty LocationConstraint.
  return region === 'us-east-1'
    ? `<LocationConstraint xmlns="${S3_NAMESPACE}"/>`
    : `<LocationConstraint xmlns="${S3_NAMESPACE}">${region}</LocationConstraint>`;
}

function encryptionXml(encryption: EmulatedBucket['encryption']): string | undefined {
  if (encryption.type === 'none') return undefined;
  const byDefault =
    encryption.type === 'SSE-KMS'
      ? `<SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>${encryption.kmsKeyArn}</KMSMasterKeyID>`
      : '<SSEAlgorithm>AES256</SSEAlgorithm>';
  const bucketKey = encryption.type === 'SSE-KMS' && encryption.bucketKeyEnabled;
  return `<ServerSideEncryptionConfiguration xmlns="${S3_NAMESPACE}"><Rule><ApplyServerSideEncryptionByDefault>${byDefault}</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>${bucketKey}</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>`;
}

function encryptionHeaders(encryption: EmulatedBucket['encryption']): Record<string, string> {
  if (encryption.type === 'SSE-KMS') {
    return {
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': encryption.kmsKeyArn,
      ...(encryption.bucketKeyEnabled ? { 'x-amz-server-side-encryption-bucket-key-enabled': 'true' } : {}),
    };
  }
  return encryption.type === 'SSE-S3' ? { 'x-amz-server-side-encryption': 'AES256' } : {};
}

const CREDENTIAL_ERRORS = {
  UnknownAccessKey: ['InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.'],
  InactiveAccessKey: ['InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.'],
  // Until IAM has propagated a new key, S3 does not know it at all.
  NotYetPropagated: ['InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.'],
  SignatureMismatch: [
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  ],
} as const;

function s3EmulationMiddleware(options: S3EmulationOptions): S3DeserializeMiddleware {
  return (next, context) => async (args) => {
    const commandName = (context.commandName ?? '').replace(/Command$/, '');
    if (!isWireRequest(args.request)) return next(args);
    const request = args.request;
    const method = request.method.toUpperCase();
    const bucketName = (args.input as { Bucket?: unknown }).Bucket;
    const bucket = typeof bucketName === 'string' ? options.bucket(bucketName) : undefined;

    // S3 routes by bucket first: a request signed for another region is redirected before auth.
    const region = signingRegion(request);
    if (bucket && commandName !== 'GetBucketLocation' && region !== bucket.region) {
      const message =
        'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.';
      const fields = { Endpoint: `${bucket.name}.s3.${bucket.region}.amazonaws.com`, Bucket: bucket.name };
      return s3Error(301, 'PermanentRedirect', message, method, fields, { 'x-amz-bucket-region': bucket.region });
    }

    if (options.caller.kind === 'product') {
      if (bucket?.denyProductAccess) return s3Error(403, 'AccessDenied', 'Access Denied', method);
    } else {
      const credentials = await options.caller.credentials();
      const check = options.iam.checkCredentials(credentials.accessKeyId, credentials.secretAccessKey);
      if (!check.ok) {
        const [code, message] = CREDENTIAL_ERRORS[check.reason];
        return s3Error(403, code, message, method, { AWSAccessKeyId: credentials.accessKeyId });
      }
      const permissions = requiredPermissions(commandName, args.input, bucket, check.userArn.split(':')[4] ?? '');
      if (!permissions)
        throw new NotEmulatedError(`The S3 emulation does not authorise ${commandName} for IAM credentials; add it to local/aws/s3-permissions.ts.`);
      const policies = options.iam.policyDocumentsOf(check.userName);
      const requestContext = {
        'aws:SecureTransport': 'true',
        'aws:PrincipalArn': check.userArn,
        'aws:username': check.userName,
        'aws:PrincipalAccount': check.userArn.split(':')[4],
        'aws:RequestedRegion': region,
        's3:signatureversion': 'AWS4-HMAC-SHA256',
        's3:authType': 'REST-HEADER',
      };
      for (const permission of permissions) {
        const { decision } = evaluatePolicies(policies, { ...permission, context: { ...requestContext, ...permission.context } });
        if (decision === 'Allow') continue;
        const why =
          decision === 'ExplicitDeny'
            ? 'with an explicit deny in an identity-based policy'
            : `because no identity-based policy allows the ${permission.action} action`;
        const message = `User: ${check.userArn} is not authorized to perform: ${permission.action} on resource: "${permission.resource}" ${why}`;
        return s3Error(403, 'AccessDenied', message, method);
      }
      options.iam.recordKeyUse(credentials.accessKeyId, 's3', region ?? 'us-east-1');
    }

    const forwarded = await next(args);
    const { response } = forwarded;
    if (!isWireResponse(response)) return forwarded;
    if (commandName === 'GetBucketLocation' && response.statusCode === 200) {
      await discardBody(response);
      // s3rver always reports us-east-1; an unregistered bucket keeps that answer.
      return wire(200, locationXml(bucket?.region ?? 'us-east-1'), method);
    }
    if (commandName === 'GetBucketEncryption' && response.statusCode === 501) {
      await discardBody(response);
      // Since January 2023 S3 encrypts every bucket with SSE-S3 unless configured otherwise.
      const xml = encryptionXml(bucket?.encryption ?? { type: 'SSE-S3' });
      if (xml) return wire(200, xml, method);
      return s3Error(404, 'ServerSideEncryptionConfigurationNotFoundError', 'The server side encryption configuration was not found', method, {
        BucketName: String(bucketName),
      });
    }
    if (bucket && ['GetObject', 'HeadObject', 'PutObject'].includes(commandName) && response.statusCode === 200) {
      Object.assign(response.headers, encryptionHeaders(bucket.encryption));
    }
    return forwarded;
  };
}

/** Adds the emulation to a client; it must run innermost so every other middleware sees wire data. */
export function installS3Emulation(client: S3Client, options: S3EmulationOptions): void {
  client.middlewareStack.add(s3EmulationMiddleware(options), {
    step: 'deserialize',
    priority: 'low',
    name: 'awsSandboxS3Emulation',
    override: true,
  });
}
