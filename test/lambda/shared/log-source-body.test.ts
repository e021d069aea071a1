import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildLogSourceBody, isOwnedLogSource, logSourceNameFor, redactLogSourceBody, resolveFilterDate } from '../../../lambda/shared/log-source-body.js';
import { logSourceDefaultsSchema, type LogSourceDefaultsInput } from '../../../lambda/contract/settings.js';

interface SeedRequest {
  data: {
    name: string;
    description: string;
    config: { Connector: { access_key: string; secret_key: string; bucket_name: string; region_name: string; filter_date: string } };
    template_vid?: string;
    dc_metadata?: { template: string; templateVersion: string };
    id?: string;
  };
}

function readSeed(name: string): SeedRequest {
  return JSON.parse(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8')) as SeedRequest;
}

/** The operator settings that reproduce a seed example: its own texts, the rest from our defaults. */
function settingsFor(seed: SeedRequest, extra: LogSourceDefaultsInput = {}) {
  return logSourceDefaultsSchema.parse({
    namePattern: '{accountId}',
    description: seed.data.description,
    ...(seed.data.template_vid ? { templateVid: seed.data.template_vid } : {}),
    ...(seed.data.dc_metadata ? { dcMetadata: seed.data.dc_metadata } : {}),
    ...extra,
  });
}

function factsFor(seed: SeedRequest) {
  const connector = seed.data.config.Connector;
  return {
    accountId: '111122223333',
    bucketName: connector.bucket_name,
    bucketRegion: connector.region_name,
    accessKeyId: connector.access_key,
    secretAccessKey: connector.secret_key,
    filterDate: connector.filter_date,
  };
}

describe('buildLogSourceBody', () => {
  it('reproduces the seed guide create example field for field from config and account facts', () => {
    const seed = readSeed('seed-create-request.json');

    const body = buildLogSourceBody(settingsFor(seed), factsFor(seed), { name: seed.data.name, markOwnership: false });

    expect(body).toStrictEqual(seed.data);
  });

  it('sends a bare 24-hex id (API v2.7.0 docs) as it is, never rebuilt into LogSources/<id>', () => {
    const seed = readSeed('seed-edit-request.json');

    const body = buildLogSourceBody(settingsFor(seed), factsFor(seed), { name: seed.data.name, id: '651e49ad911faf6e24139ca5', markOwnership: false });

    expect(body.id).toBe('651e49ad911faf6e24139ca5');
  });

  it('reproduces the seed guide edit example, id included (sent back exactly as Director gave it), field for field', () => {
    const seed = readSeed('seed-edit-request.json');

    const body = buildLogSourceBody(settingsFor(seed), factsFor(seed), {
      name: seed.data.name,
      id: 'LogSources/1247a17f-4d16-4c3f-9002-448752ca8029',
      markOwnership: false,
    });

    expect(body).toStrictEqual(seed.data);
  });

  it('marks a product-created source as owned by this account in dc_metadata and description', () => {
    const seed = readSeed('seed-create-request.json');

    const body = buildLogSourceBody(settingsFor(seed), factsFor(seed), { name: 'CloudTrail-111122223333' });

    expect(body.dc_metadata).toMatchObject({ managedBy: 'logpoint-cloudtrail-onboarding', awsAccountId: '111122223333' });
    expect(isOwnedLogSource(body, '111122223333')).toBe(true);
    expect(isOwnedLogSource(body, '444455556666')).toBe(false);
  });

  it('recognises ownership from the description alone when Director dropped the dc_metadata keys', () => {
    const seed = readSeed('seed-create-request.json');
    const body = buildLogSourceBody(settingsFor(seed), factsFor(seed), { name: 'x' });

    expect(isOwnedLogSource({ description: body.description, dc_metadata: { template: 't' } }, '111122223333')).toBe(true);
    expect(isOwnedLogSource({ description: 'hand-made', dc_metadata: null }, '111122223333')).toBe(false);
  });

  it('renders proxy, routing with a new repo and criteria, extra normalizers and the enrichment policy id', () => {
    const seed = readSeed('seed-create-request.json');
    const defaults = settingsFor(seed, {
      proxy: { ip: '10.0.0.5', port: 3128, protocol: 'HTTPS' },
      routing: {
        catchAll: 'cloudtrail',
        criteria: [{ key: 'eventSource', value: 'iam.amazonaws.com', operation: 'store', repository: 'cloudtrail-iam' }],
        newRepo: { name: 'cloudtrail', path: '/opt/immune/storage', retentionDays: 365 },
      },
      normalizers: [{ name: 'CloudTrailCompiledNormalizer' }, { name: 'JSONCompiledNormalizer', type: 'compiled' }],
    });

    const body = buildLogSourceBody(defaults, factsFor(seed), { name: 'n', enrichmentPolicyId: '5f1e2d3c4b5a697887766554' });

    expect(body.config.Connector.enable_proxy).toStrictEqual({ status: true, IP: '10.0.0.5', port: 3128, protocol: 'HTTPS' });
    expect(body.config.RoutingPolicy).toStrictEqual({
      routing_criterion: [{ key: 'eventSource', value: 'iam.amazonaws.com', operation: 'store', repository: 'cloudtrail-iam' }],
      catch_all: 'cloudtrail',
      repo_name: 'cloudtrail',
      path: '/opt/immune/storage',
      retention: '365',
    });
    expect(body.config.NormalizationPolicy.normalizers).toStrictEqual([
      { name: 'CloudTrailCompiledNormalizer', type: 'compiled' },
      { name: 'JSONCompiledNormalizer', type: 'compiled' },
    ]);
    expect(body.config.EnrichmentPolicy).toBe('5f1e2d3c4b5a697887766554');
  });

  it('redacts the secret key for anything that is logged or returned', () => {
    const seed = readSeed('seed-create-request.json');
    const body = buildLogSourceBody(settingsFor(seed), factsFor(seed), { name: 'n' });

    const redacted = redactLogSourceBody(body);

    expect(JSON.stringify(redacted)).not.toContain(seed.data.config.Connector.secret_key);
    expect(body.config.Connector.secret_key).toBe(seed.data.config.Connector.secret_key);
  });
});

describe('logSourceNameFor', () => {
  it('expands the account, bucket and region placeholders', () => {
    expect(logSourceNameFor('CT-{accountId}-{region}-{bucket}', { accountId: '111122223333', bucketName: 'b', bucketRegion: 'eu-west-1' })).toBe(
      'CT-111122223333-eu-west-1-b',
    );
  });
});

describe('resolveFilterDate', () => {
  const now = new Date('2026-11-25T10:00:00.000Z');

  it('uses the creation instant, a fixed date or a number of days back', () => {
    expect(resolveFilterDate({ policy: 'now' }, now)).toBe('2026-11-25T10:00:00.000Z');
    expect(resolveFilterDate({ policy: 'fixed', date: '2024-08-06T08:44:13.220Z' }, now)).toBe('2024-08-06T08:44:13.220Z');
    expect(resolveFilterDate({ policy: 'days-ago', days: 7 }, now)).toBe('2026-11-18T10:00:00.000Z');
  });
});

describe('logSourceDefaultsSchema', () => {
  it('rejects a name pattern without {accountId}, an unknown time zone and a zero interval, naming each field', () => {
    const result = logSourceDefaultsSchema.safeParse({ namePattern: 'CloudTrail', timezone: 'Mars/Olympus', intervalMinutes: 0 });

    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['namePattern', 'timezone', 'intervalMinutes']));
  });
});
