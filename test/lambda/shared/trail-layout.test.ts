import { describe, expect, it } from 'vitest';
import {
  cloudTrailLogPrefix,
  isCloudTrailLogKey,
  kmsKeyArnFor,
  regionFromLocationConstraint,
  trailLayoutOf,
  trailSettingChanges,
} from '../../../lambda/shared/trail-layout.js';
import { ACCOUNT } from '../../support/aws-sandbox.js';
import { ORG } from './trail-fixture.js';

describe('cloudTrailLogPrefix', () => {
  it.each([
    [{ accountId: ACCOUNT }, `AWSLogs/${ACCOUNT}/CloudTrail/`],
    [{ accountId: ACCOUNT, organizationId: ORG }, `AWSLogs/${ORG}/${ACCOUNT}/CloudTrail/`],
    [{ accountId: ACCOUNT, trailPrefix: 'audit/trails' }, `audit/trails/AWSLogs/${ACCOUNT}/CloudTrail/`],
    [{ accountId: ACCOUNT, organizationId: ORG, trailPrefix: 'central' }, `central/AWSLogs/${ORG}/${ACCOUNT}/CloudTrail/`],
    // Control Tower's log archive: the organization id is the prefix too.
    [{ accountId: ACCOUNT, organizationId: ORG, trailPrefix: ORG }, `${ORG}/AWSLogs/${ORG}/${ACCOUNT}/CloudTrail/`],
  ])('builds the layout CloudTrail writes for %o', (location, expected) => {
    // Act + Assess
    expect(cloudTrailLogPrefix(location)).toBe(expected);
  });
});

describe('trailLayoutOf', () => {
  const account = { accountId: ACCOUNT };
  const organization = { accountId: ACCOUNT, organizationId: ORG };
  it.each([
    ['control-tower', { ...organization, trailPrefix: ORG }, organization],
    ['control-tower', { ...organization, trailPrefix: ORG }, account],
    ['custom-prefix', { ...account, trailPrefix: 'a/b' }, account],
    ['custom-prefix', { ...organization, trailPrefix: 'central' }, organization],
    ['organization', organization, account],
    ['organization', { ...organization, trailPrefix: 'central' }, account],
    ['organization', organization, { ...organization, trailPrefix: 'central' }],
    ['account', account, organization],
    ['account', account, { ...account, trailPrefix: 'central' }],
  ] as const)('names %s for %o found where %o was expected', (layout, found, expected) => {
    // Act + Assess: the name is what an operator got wrong, so Control Tower wins over the prefix it implies.
    expect(trailLayoutOf(found, expected)).toBe(layout);
  });
});

describe('trailSettingChanges', () => {
  it('lists the settings that differ, in config order, with null for one to remove', () => {
    // Act + Assess
    expect(trailSettingChanges({ accountId: ACCOUNT }, { accountId: ACCOUNT, organizationId: ORG, trailPrefix: ORG })).toEqual([
      { setting: 'organizationId', value: ORG },
      { setting: 'trailPrefix', value: ORG },
    ]);
    expect(trailSettingChanges({ accountId: ACCOUNT, organizationId: ORG, trailPrefix: 'x' }, { accountId: ACCOUNT, organizationId: ORG })).toEqual([
      { setting: 'trailPrefix', value: null },
    ]);
    expect(trailSettingChanges({ accountId: ACCOUNT, trailPrefix: 'x' }, { accountId: ACCOUNT, trailPrefix: 'x' })).toEqual([]);
  });
});

describe('small bucket helpers', () => {
  it('reads GetBucketLocation answers as regions, including the legacy ones', () => {
    // Act + Assess
    expect(regionFromLocationConstraint(undefined)).toBe('us-east-1');
    expect(regionFromLocationConstraint('')).toBe('us-east-1');
    expect(regionFromLocationConstraint(null)).toBe('us-east-1');
    expect(regionFromLocationConstraint('EU')).toBe('eu-west-1');
    expect(regionFromLocationConstraint('ap-southeast-2')).toBe('ap-southeast-2');
  });

  it('turns a bare KMS key id or alias into an ARN in the bucket region and owner account, and keeps ARNs', () => {
    // Act + Assess
    expect(kmsKeyArnFor('1234abcd-12ab-34cd-56ef-1234567890ab', 'eu-west-1', ACCOUNT)).toBe(
      `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    );
    expect(kmsKeyArnFor('alias/trail', 'cn-north-1', ACCOUNT)).toBe(`arn:aws-cn:kms:cn-north-1:${ACCOUNT}:alias/trail`);
    expect(kmsKeyArnFor('arn:aws:kms:us-east-1:444455556666:key/abc', 'eu-west-1', ACCOUNT)).toBe('arn:aws:kms:us-east-1:444455556666:key/abc');
  });

  it('counts only log files as CloudTrail logs', () => {
    // Act + Assess
    expect(isCloudTrailLogKey(`AWSLogs/${ACCOUNT}/CloudTrail/eu-west-1/2025/06/01/${ACCOUNT}_CloudTrail_eu-west-1_x.json.gz`)).toBe(true);
    expect(isCloudTrailLogKey(`AWSLogs/${ACCOUNT}/CloudTrail-Digest/eu-west-1/2025/06/01/d.json.gz`)).toBe(false);
    expect(isCloudTrailLogKey(`AWSLogs/${ACCOUNT}/CloudTrail/eu-west-1/2025/06/01/`)).toBe(false);
  });
});
