import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildTrailObjects, cloudTrailLogPrefix, parseCloudTrailLogFile } from '../../../local/aws/cloudtrail-fixtures.js';
import type { TrailContentSpec } from '../../../local/aws/cloudtrail-fixtures.js';

const ACCOUNT = '111122223333';
const spec: TrailContentSpec = {
  bucketName: 'org-trail-bucket',
  accountId: ACCOUNT,
  regions: ['eu-west-1'],
  filesPerRegion: 3,
  withLogs: true,
  trailName: 'org-trail',
  homeRegion: 'eu-west-1',
  now: new Date('2024-05-01T10:17:42Z'),
};
const REQUIRED_FIELDS = [
  'eventVersion',
  'userIdentity',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'requestParameters',
  'responseElements',
  'requestID',
  'eventID',
  'readOnly',
  'eventType',
  'managementEvent',
  'recipientAccountId',
  'eventCategory',
];

describe('CloudTrail fixtures', () => {
  it('writes log files at the key layout CloudTrail uses for an account trail', () => {
    const logs = buildTrailObjects(spec).filter((object) => object.key.includes('/CloudTrail/'));
    expect(logs).toHaveLength(3);
    for (const log of logs) {
      expect(log.key).toMatch(
        /^AWSLogs\/111122223333\/CloudTrail\/eu-west-1\/\d{4}\/\d{2}\/\d{2}\/111122223333_CloudTrail_eu-west-1_\d{8}T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$/,
      );
    }
    expect(logs[0]?.key).toContain('/2024/05/01/111122223333_CloudTrail_eu-west-1_20240501T1015Z_');
  });

  it('puts the organization id and the trail prefix in front for an organization trail', () => {
    const layout = { prefix: 'central/', organizationId: 'o-a1b2c3d4e5' };
    const keys = buildTrailObjects({ ...spec, ...layout }).map((object) => object.key);
    expect(cloudTrailLogPrefix(layout, ACCOUNT)).toBe('central/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/');
    expect(keys.every((key) => key.startsWith('central/AWSLogs/o-a1b2c3d4e5/111122223333/'))).toBe(true);
  });

  it('gzips log files that decompress to CloudTrail records with every standard field', () => {
    const [log] = buildTrailObjects(spec);
    const { Records } = parseCloudTrailLogFile(log?.body ?? Buffer.alloc(0));
    expect(log).toMatchObject({ contentType: 'application/json', contentEncoding: 'gzip' });
    expect(Records.length).toBeGreaterThan(0);
    for (const record of Records) {
      expect(Object.keys(record)).toEqual(expect.arrayContaining(REQUIRED_FIELDS));
      expect(record.recipientAccountId).toBe(ACCOUNT);
      expect(record.eventTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    }
    expect(new Set(Records.map((record) => record.eventCategory))).toEqual(new Set(['Management', 'Data']));
  });

  it('adds a signed digest file beside the logs that lists each log file with its SHA-256', () => {
    const objects = buildTrailObjects(spec);
    const digest = objects.find((object) => object.key.includes('/CloudTrail-Digest/'));
    expect(digest?.key).toMatch(
      /^AWSLogs\/111122223333\/CloudTrail-Digest\/eu-west-1\/2024\/05\/01\/111122223333_CloudTrail-Digest_eu-west-1_org-trail_eu-west-1_\d{8}T\d{6}Z\.json\.gz$/,
    );
    expect(digest?.metadata?.['signing-algorithm']).toBe('SHA256withRSA');
    const content = JSON.parse(gunzipSync(digest?.body ?? Buffer.alloc(0)).toString()) as { logFiles: Array<{ s3Object: string }> };
    expect(content.logFiles.map((file) => file.s3Object)).toEqual(objects.filter((object) => object !== digest).map((object) => object.key));
  });

  it('writes only digests for a trail that has not delivered logs yet', () => {
    const keys = buildTrailObjects({ ...spec, withLogs: false }).map((object) => object.key);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toContain('/CloudTrail-Digest/');
  });
});
