import { describe, expect, it } from 'vitest';
import { startDirectorSimulator } from '../../../local/director-simulator/index.js';
import type { DirectorSimulator } from '../../../local/director-simulator/index.js';
import {
  call,
  configPath,
  createAndComplete,
  manualClock,
  onlyLogSource,
  orderPathOf,
  seedCreateRequest,
  seedEditRequest,
  useDirectorSimulator,
} from './director-http.js';

const ORDER_DELAY_MS = 40;
const HEX24 = /^[0-9a-f]{24}$/;
const LOG_SOURCE_ID = /^LogSources\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('Director simulator LogSources', () => {
  const clock = manualClock();
  const director = useDirectorSimulator({ orderDelayMs: ORDER_DELAY_MS, clock: clock.now });

  it('accepts the seed guide create example verbatim and answers with a bare order path', async () => {
    const answer = await call(director(), 'POST', configPath(director(), 'LogSources'), { body: seedCreateRequest() });

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      status: 'Success',
      message: expect.stringMatching(new RegExp(`^monitorapi/${director().poolUuid}/${director().logpointId}/orders/[0-9a-f-]{36}$`)),
    });
  });

  it('accepts the seed guide edit example verbatim on the id the list returns; the URL id wins over the body id', async () => {
    // Prepare
    await createAndComplete(director(), clock, seedCreateRequest(), ORDER_DELAY_MS);
    const [created] = (await call(director(), 'GET', configPath(director(), 'LogSources'))).body;
    const uuid = (created.id as string).slice('LogSources/'.length);

    // Act
    const accepted = await call(director(), 'PUT', configPath(director(), `LogSources/${uuid}`), { body: seedEditRequest() });
    clock.advance(ORDER_DELAY_MS);
    const order = await call(director(), 'GET', orderPathOf(accepted));

    // Assess
    expect(accepted.status).toBe(200);
    expect(order.body.response).toEqual({ success: true, message: expect.any(String), errors: [] });
    const list = (await call(director(), 'GET', configPath(director(), 'LogSources'))).body;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      id: created.id,
      name: 'UpdatedCloudTrail',
      config: { Connector: { bucket_name: 'bucketname', region_name: 'ap-south-2' } },
    });
    expect(director().operations).toEqual([`POST ${configPath(director(), 'LogSources')}`, `PUT ${configPath(director(), `LogSources/${uuid}`)}`]);
  });

  it('reads a log source back in the read shape, not the write shape', async () => {
    const sent = seedCreateRequest();
    sent.data.dc_metadata = { template: 'f62308c7-d9e6-4f44-bdc5-ed4371b6fe56', templateVersion: '1', owner: 'onboarding' };

    await createAndComplete(director(), clock, sent, ORDER_DELAY_MS);
    const [read] = (await call(director(), 'GET', configPath(director(), 'LogSources'))).body;

    expect(read).toEqual({
      id: expect.stringMatching(LOG_SOURCE_ID),
      name: 'CloudTrail',
      log_source_type: 'S3Fetcher',
      vendor_name: 'AWS',
      logo: '',
      description: sent.data.description,
      documentation_link: 'https://docs.logpoint.com/docs/cloud-trail/en/latest/',
      config: {
        Source: { name: 'CloudTrail', interval: 60, charset: 'utf_8', timezone: 'UTC' },
        Connector: {
          endpoint_url: 'https://s3.amazonaws.com',
          access_key: 'ABICTDEEXFYGKHQITJ5K',
          secret_key: '********',
          bucket_name: 'bucket',
          region_name: 'af-south-1',
          filter_date: '2024-08-06T08:44:13.220Z',
          parser: 'CloudTrailLogParser',
          enable_proxy: false,
          protocol: 'http',
        },
        RoutingPolicy: expect.stringMatching(HEX24),
        NormalizationPolicy: expect.stringMatching(HEX24),
      },
      dc_metadata: { template: 'f62308c7-d9e6-4f44-bdc5-ed4371b6fe56', templateVersion: '1', owner: 'onboarding' },
      last_log_received: null,
    });
    expect(director().logSources()).toEqual([read]);
    const routing = (await call(director(), 'GET', configPath(director(), 'RoutingPolicies'))).body;
    expect(routing).toContainEqual({ id: read.config.RoutingPolicy, policy_name: 'CloudTrail_routing', catch_all: '_logpoint', routing_criteria: [] });
  });

  it('keeps the real connector secret only inside the simulator', async () => {
    const sent = seedCreateRequest();
    await createAndComplete(director(), clock, sent, ORDER_DELAY_MS);

    const read = onlyLogSource(director());

    expect(JSON.stringify(read)).not.toContain(sent.data.config.Connector.secret_key);
    expect(director().connectorSecretMatches(read.id as string, 'ahbaccdTeA9g5giYcr12+1mwD2VgWgwgbgwGDGhg')).toBe(true);
    expect(director().connectorSecretMatches(read.id as string, 'another')).toBe(false);
  });

  it.each([
    ['the bare uuid', (uuid: string) => uuid],
    ['the full id', (uuid: string) => `LogSources/${uuid}`],
    ['the URL-encoded full id', (uuid: string) => encodeURIComponent(`LogSources/${uuid}`)],
  ])('gets one log source by %s', async (_form, urlId) => {
    await createAndComplete(director(), clock, seedCreateRequest(), ORDER_DELAY_MS);
    const read = onlyLogSource(director());
    const uuid = (read.id as string).slice('LogSources/'.length);

    const answer = await call(director(), 'GET', configPath(director(), `LogSources/${urlId(uuid)}`));

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(read);
  });

  it('answers 404 to GET of an unknown log source', async () => {
    const answer = await call(director(), 'GET', configPath(director(), 'LogSources/1247a17f-4d16-4c3f-9002-448752ca8029'));

    expect(answer.status).toBe(404);
    expect(answer.body.status).toBe('Error');
  });

  it('deletes a log source and its routing policy when the delete order completes', async () => {
    await createAndComplete(director(), clock, seedCreateRequest(), ORDER_DELAY_MS);
    const read = onlyLogSource(director());

    const accepted = await call(director(), 'DELETE', configPath(director(), `LogSources/${encodeURIComponent(read.id as string)}`));
    const beforeCompletion = director().logSources();
    clock.advance(ORDER_DELAY_MS);
    const order = await call(director(), 'GET', orderPathOf(accepted));

    expect(beforeCompletion).toHaveLength(1);
    expect(order.body.response.success).toBe(true);
    expect(director().logSources()).toEqual([]);
    const routing = (await call(director(), 'GET', configPath(director(), 'RoutingPolicies'))).body;
    expect((routing as { id: string }[]).map((policy) => policy.id)).not.toContain(read.config.RoutingPolicy);
  });

  it('serves the /configapi/v1/ form of every path', async () => {
    const accepted = await call(director(), 'POST', configPath(director(), 'LogSources', 'v1'), { body: seedCreateRequest() });
    clock.advance(ORDER_DELAY_MS);

    const list = await call(director(), 'GET', configPath(director(), 'LogSources', 'v1'));
    const charsets = await call(director(), 'GET', configPath(director(), 'Charsets', 'v1'));

    expect(accepted.status).toBe(200);
    expect(list.body).toHaveLength(1);
    expect(charsets.body[0].charsets).toContain('utf_8');
    expect(director().operations).toEqual([`POST ${configPath(director(), 'LogSources', 'v1')}`]);
  });

  it.each([
    ['an unknown pool', (d: DirectorSimulator) => `/configapi/${'0'.repeat(32)}/${d.logpointId}/LogSources`],
    ['an unknown logpoint', (d: DirectorSimulator) => `/configapi/${d.poolUuid}/${'0'.repeat(32)}/LogSources`],
    ['an unknown resource', (d: DirectorSimulator) => configPath(d, 'Widgets')],
    ['an unknown API', () => '/otherapi/LogSources'],
  ])('answers 404 to %s', async (_case, path) => {
    const answer = await call(director(), 'GET', path(director()));

    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ status: 'Error', message: expect.any(String) });
  });

  it('answers 405 to a method a resource does not support', async () => {
    const answer = await call(director(), 'DELETE', configPath(director(), 'LogSources'));

    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('GET, POST');
  });

  it('serves the lookup lists as bare arrays with realistic seeds', async () => {
    const get = async (resource: string): Promise<unknown> => (await call(director(), 'GET', configPath(director(), resource))).body;

    const [charsets, normalizers, repos, enrichment, routing, devices] = await Promise.all(
      ['Charsets', 'NormalizationPackage/CompiledNormalizers', 'Repos', 'EnrichmentPolicy', 'RoutingPolicies', 'Devices'].map(get),
    );

    expect(charsets).toEqual([{ charsets: expect.arrayContaining(['ascii', 'big5', 'utf_8']) }]);
    expect(normalizers).toContainEqual({ name: 'CloudTrailCompiledNormalizer', version: expect.any(String) });
    expect(repos).toContainEqual({
      id: expect.any(String),
      name: '_logpoint',
      repopath: [{ path: expect.any(String), retention: expect.any(Number) }],
      active: true,
    });
    expect(repos).toContainEqual(expect.objectContaining({ name: 'default' }));
    expect(enrichment).toContainEqual({ id: expect.stringMatching(HEX24), name: 'GeoIP', description: expect.any(String), specifications: expect.any(Array) });
    expect(routing).toEqual(expect.arrayContaining([expect.objectContaining({ policy_name: expect.any(String), catch_all: '_logpoint' })]));
    expect(devices).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: expect.any(String), type: expect.any(String), ip: expect.any(Array), active: true })]),
    );
  });

  it('adds seeded lookups and log sources to the built-in ones', async () => {
    const seeded = await startDirectorSimulator({
      seed: {
        charsets: ['x_custom'],
        compiledNormalizers: [{ name: 'MyCompiledNormalizer', version: '1.0.0' }],
        repos: ['cloudtrail'],
        enrichmentPolicies: [{ name: 'AssetOwner' }],
        logSources: [{ ...seedCreateRequest().data, name: 'Existing', id: 'LogSources/1247a17f-4d16-4c3f-9002-448752ca8029' }],
      },
    });
    try {
      const repos = (await call(seeded, 'GET', configPath(seeded, 'Repos'))).body;
      const enrichment = (await call(seeded, 'GET', configPath(seeded, 'EnrichmentPolicy'))).body;

      expect((repos as { name: string }[]).map((repo) => repo.name)).toEqual(expect.arrayContaining(['_logpoint', 'default', 'cloudtrail']));
      expect(enrichment).toContainEqual(expect.objectContaining({ name: 'AssetOwner', id: expect.stringMatching(HEX24) }));
      expect(seeded.logSources()).toEqual([expect.objectContaining({ id: 'LogSources/1247a17f-4d16-4c3f-9002-448752ca8029', name: 'Existing' })]);
    } finally {
      await seeded.stop();
    }
  });
});
