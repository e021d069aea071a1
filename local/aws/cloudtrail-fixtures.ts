import { createHash, randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ALPHANUMERIC, randomString } from './aws-ids.js';

/**
 * Realistic CloudTrail bucket content: gzipped log files and digest files at the keys CloudTrail
 * itself writes, for an account trail (`AWSLogs/<account>/…`) or an organization trail
 * (`AWSLogs/<o-id>/<account>/…`), optionally behind the trail's S3 key prefix.
 */

export interface TrailLayout {
  /** The trail's S3KeyPrefix, without leading or trailing slash. */
  prefix?: string;
  /** Set for an organization trail. */
  organizationId?: string;
}

export interface CloudTrailRecord {
  eventVersion: string;
  userIdentity: Record<string, unknown>;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  requestID: string;
  eventID: string;
  readOnly: boolean;
  eventType: string;
  managementEvent: boolean;
  recipientAccountId: string;
  eventCategory: 'Management' | 'Data';
  [extra: string]: unknown;
}

export interface TrailObject {
  key: string;
  body: Buffer;
  contentType: string;
  contentEncoding?: string;
  metadata?: Record<string, string>;
}

export interface TrailContentSpec extends TrailLayout {
  bucketName: string;
  accountId: string;
  /** Regions whose events the trail delivers (a multi-region trail writes one folder per region). */
  regions: string[];
  /** Log files per region; CloudTrail delivers one roughly every five minutes. */
  filesPerRegion: number;
  /** False: a trail that exists but has not delivered logs yet (digests only). */
  withLogs: boolean;
  trailName: string;
  homeRegion: string;
  /** The newest delivery time; older files go back from here. */
  now: Date;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');
const ymd = (date: Date) => `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}`;
const datePath = (date: Date) => `${date.getUTCFullYear()}/${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCDate())}`;
const isoSeconds = (date: Date) => `${date.toISOString().slice(0, 19)}Z`;

/** `[prefix/]AWSLogs/[o-id/]<account>/` — the root under which CloudTrail writes for one account. */
function accountLogRoot(layout: TrailLayout, accountId: string): string {
  const prefix = (layout.prefix ?? '').replace(/^\/+|\/+$/g, '');
  const org = layout.organizationId ? `${layout.organizationId}/` : '';
  return `${prefix ? `${prefix}/` : ''}AWSLogs/${org}${accountId}/`;
}

/** The prefix that holds the account's log files (never its digests). */
export function cloudTrailLogPrefix(layout: TrailLayout, accountId: string): string {
  return `${accountLogRoot(layout, accountId)}CloudTrail/`;
}

function cloudTrailLogKey(layout: TrailLayout, accountId: string, region: string, deliveredAt: Date): string {
  const stamp = `${ymd(deliveredAt)}T${pad(deliveredAt.getUTCHours())}${pad(deliveredAt.getUTCMinutes())}Z`;
  const fileName = `${accountId}_CloudTrail_${region}_${stamp}_${randomString(16, ALPHANUMERIC)}.json.gz`;
  return `${cloudTrailLogPrefix(layout, accountId)}${region}/${datePath(deliveredAt)}/${fileName}`;
}

function cloudTrailDigestKey(layout: TrailLayout, accountId: string, region: string, trailName: string, homeRegion: string, deliveredAt: Date): string {
  const stamp = `${ymd(deliveredAt)}T${pad(deliveredAt.getUTCHours())}${pad(deliveredAt.getUTCMinutes())}${pad(deliveredAt.getUTCSeconds())}Z`;
  const fileName = `${accountId}_CloudTrail-Digest_${region}_${trailName}_${homeRegion}_${stamp}.json.gz`;
  return `${accountLogRoot(layout, accountId)}CloudTrail-Digest/${region}/${datePath(deliveredAt)}/${fileName}`;
}

/** Reads a log file as a consumer would: gunzip, then JSON. */
export function parseCloudTrailLogFile(body: Uint8Array): { Records: CloudTrailRecord[] } {
  return JSON.parse(gunzipSync(body).toString('utf8')) as { Records: CloudTrailRecord[] };
}

/** All objects of one account in a trail bucket: log files (unless withLogs is false) and digests. */
export function buildTrailObjects(spec: TrailContentSpec): TrailObject[] {
  const objects: TrailObject[] = [];
  for (const region of spec.regions) {
    const logFiles: Array<{ key: string; body: Buffer; oldest: Date; newest: Date }> = [];
    if (spec.withLogs) {
      for (let index = 0; index < spec.filesPerRegion; index += 1) {
        // Spread deliveries over past days so date folders differ, at CloudTrail's 5-minute grid.
        const deliveredAt = new Date(spec.now.getTime() - index * 7 * 3_600_000);
        deliveredAt.setUTCMinutes(deliveredAt.getUTCMinutes() - (deliveredAt.getUTCMinutes() % 5), 0, 0);
        const records = buildRecords(spec, region, deliveredAt);
        const body = gzipSync(JSON.stringify({ Records: records }));
        const key = cloudTrailLogKey(spec, spec.accountId, region, deliveredAt);
        objects.push({ key, body, contentType: 'application/json', contentEncoding: 'gzip' });
        const times = records.map((record) => new Date(record.eventTime));
        logFiles.push({ key, body, oldest: times[times.length - 1] ?? deliveredAt, newest: times[0] ?? deliveredAt });
      }
    }
    objects.push(buildDigest(spec, region, logFiles));
  }
  return objects;
}

function buildDigest(spec: TrailContentSpec, region: string, logFiles: Array<{ key: string; body: Buffer; oldest: Date; newest: Date }>): TrailObject {
  const digestEnd = new Date(spec.now.getTime() + 3_600_000);
  const key = cloudTrailDigestKey(spec, spec.accountId, region, spec.trailName, spec.homeRegion, digestEnd);
  const digest = {
    awsAccountId: spec.accountId,
    digestStartTime: isoSeconds(new Date(digestEnd.getTime() - 3_600_000)),
    digestEndTime: isoSeconds(digestEnd),
    digestS3Bucket: spec.bucketName,
    digestS3Object: key,
    digestPublicKeyFingerprint: createHash('md5').update(spec.trailName).digest('hex'),
    digestSignatureAlgorithm: 'SHA256withRSA',
    newestEventTime: logFiles[0] ? isoSeconds(logFiles[0].newest) : null,
    oldestEventTime: logFiles.length > 0 ? isoSeconds(logFiles[logFiles.length - 1]?.oldest ?? digestEnd) : null,
    previousDigestS3Bucket: null,
    previousDigestS3Object: null,
    previousDigestHashValue: null,
    previousDigestHashAlgorithm: null,
    previousDigestSignature: null,
    logFiles: logFiles.map((file) => ({
      s3Bucket: spec.bucketName,
      s3Object: file.key,
      hashValue: createHash('sha256').update(file.body).digest('hex'),
      hashAlgorithm: 'SHA-256',
      newestEventTime: isoSeconds(file.newest),
      oldestEventTime: isoSeconds(file.oldest),
    })),
  };
  return {
    key,
    body: gzipSync(JSON.stringify(digest)),
    contentType: 'application/json',
    contentEncoding: 'gzip',
    metadata: { signature: randomString(512, '0123456789abcdef'), 'signing-algorithm': 'SHA256withRSA' },
  };
}

/** A handful of management and data events, newest first, all shortly before the delivery time. */
function buildRecords(spec: TrailContentSpec, region: string, deliveredAt: Date): CloudTrailRecord[] {
  const account = spec.accountId;
  const at = (minutesBefore: number) => isoSeconds(new Date(deliveredAt.getTime() - minutesBefore * 60_000));
  const roleIdentity = {
    type: 'AssumedRole',
    principalId: `AROA${randomString(17, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}:ops-session`,
    arn: `arn:aws:sts::${account}:assumed-role/OpsRole/ops-session`,
    accountId: account,
    accessKeyId: `ASIA${randomString(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROAEXAMPLEROLEID0001',
        arn: `arn:aws:iam::${account}:role/OpsRole`,
        accountId: account,
        userName: 'OpsRole',
      },
      attributes: { creationDate: at(55), mfaAuthenticated: 'false' },
    },
  };
  const base = (minutesBefore: number, eventSource: string, eventName: string) => ({
    eventVersion: '1.10',
    eventTime: at(minutesBefore),
    eventSource,
    eventName,
    awsRegion: region,
    requestID: randomUUID(),
    eventID: randomUUID(),
    recipientAccountId: account,
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: `${eventSource.split('.')[0]}.${region}.amazonaws.com`,
    },
  });
  const objectKey = `reports/${ymd(deliveredAt)}/summary.csv`;
  return [
    {
      ...base(2, 's3.amazonaws.com', 'PutObject'),
      userIdentity: roleIdentity,
      sourceIPAddress: '203.0.113.24',
      userAgent: '[aws-sdk-js/3.592.0 ua/2.0 os/linux lang/js md/nodejs#20.14.0 api/s3#3.592.0]',
      requestParameters: { bucketName: 'ops-reports', Host: `ops-reports.s3.${region}.amazonaws.com`, key: objectKey },
      responseElements: { 'x-amz-server-side-encryption': 'AES256' },
      additionalEventData: { SignatureVersion: 'SigV4', AuthenticationMethod: 'AuthHeader', bytesTransferredIn: 2048, bytesTransferredOut: 0 },
      resources: [
        { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::ops-reports/${objectKey}` },
        { accountId: account, type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::ops-reports' },
      ],
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: false,
      eventCategory: 'Data',
    },
    {
      ...base(4, 'ec2.amazonaws.com', 'DescribeInstances'),
      userIdentity: roleIdentity,
      sourceIPAddress: '203.0.113.24',
      userAgent: 'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.8',
      requestParameters: { instancesSet: {}, filterSet: {} },
      responseElements: null,
      readOnly: true,
      eventType: 'AwsApiCall',
      managementEvent: true,
      eventCategory: 'Management',
    },
    {
      ...base(6, 'sts.amazonaws.com', 'AssumeRole'),
      userIdentity: { type: 'AWSService', invokedBy: 'lambda.amazonaws.com' },
      sourceIPAddress: 'lambda.amazonaws.com',
      userAgent: 'lambda.amazonaws.com',
      requestParameters: { roleArn: `arn:aws:iam::${account}:role/service-role/report-fn-role`, roleSessionName: 'report-fn' },
      responseElements: { credentials: { accessKeyId: `ASIA${randomString(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`, expiration: 'Jan 1, 2099, 12:00:00 AM' } },
      resources: [{ accountId: account, type: 'AWS::IAM::Role', ARN: `arn:aws:iam::${account}:role/service-role/report-fn-role` }],
      readOnly: true,
      eventType: 'AwsApiCall',
      managementEvent: true,
      eventCategory: 'Management',
      sharedEventID: randomUUID(),
    },
    {
      ...base(9, 'signin.amazonaws.com', 'ConsoleLogin'),
      userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLEUSERID0001', arn: `arn:aws:iam::${account}:user/alice`, accountId: account, userName: 'alice' },
      sourceIPAddress: '198.51.100.7',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
      requestParameters: null,
      responseElements: { ConsoleLogin: 'Success' },
      additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: 'Yes' },
      readOnly: false,
      eventType: 'AwsConsoleSignIn',
      managementEvent: true,
      eventCategory: 'Management',
    },
    {
      ...base(12, 's3.amazonaws.com', 'GetBucketAcl'),
      userIdentity: { type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' },
      sourceIPAddress: 'cloudtrail.amazonaws.com',
      userAgent: 'cloudtrail.amazonaws.com',
      requestParameters: { bucketName: spec.bucketName, Host: `${spec.bucketName}.s3.${spec.homeRegion}.amazonaws.com`, acl: '' },
      responseElements: null,
      readOnly: true,
      eventType: 'AwsApiCall',
      managementEvent: true,
      eventCategory: 'Management',
    },
  ];
}
