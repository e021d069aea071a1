import { describe, expect, it } from 'vitest';
import {
  DirectorBadResponseError,
  DirectorClient,
  DirectorNotFoundError,
  DirectorOrderFailedError,
  DirectorOrderTimeoutError,
  DirectorValidationError,
  InMemoryDirectorCredentialsStore,
  REDACTED,
} from '../../../lambda/director/index.js';
import { OnboardingError } from '../../../lambda/shared/errors.js';
import type { JsonObject } from '../../../local/director-simulator/index.js';
import { harnessPerTest, realSleep, rejectionOf, sampleLogSourceBody, seededLogSource } from './support.js';

const start = harnessPerTest();

const QUICK_WAIT = { deadlineMs: 5_000, initialDelayMs: 5, maxDelayMs: 20 };

describe('DirectorClient log source writes against the simulator', () => {
  it('creates a log source from the seed body and finds it by name once the order succeeds', async () => {
    // Prepare
    const { client, director } = await start({ client: { sleep: realSleep } });

    // Act
    const order = await client.createLogSource(sampleLogSourceBody('CloudTrail-111122223333'));
    const outcome = await client.waitForOrder(order, QUICK_WAIT);
    const found = await client.findLogSourceByName('CloudTrail-111122223333');

    // Assess
    expect(order.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(order.orderPath).toBe(`/monitorapi/${director.poolUuid}/${director.logpointId}/orders/${order.requestId}`);
    expect(outcome).toMatchObject({ state: 'succeeded', message: 'LogSource created successfully.' });
    expect(outcome.id).toBeUndefined();
    expect(found).toMatchObject({ name: 'CloudTrail-111122223333', log_source_type: 'S3Fetcher' });
    expect(found?.id).toMatch(/^LogSources\/[0-9a-f-]{36}$/);
    expect(director.operations).toEqual([`POST /configapi/${director.poolUuid}/${director.logpointId}/LogSources`]);
  });

  it('edits by full id or bare uuid, sending the bare uuid in the path and the full id in the body', async () => {
    // Prepare
    const { client, director } = await start({ client: { sleep: realSleep } });
    await client.waitForOrder(await client.createLogSource(sampleLogSourceBody('Before')), QUICK_WAIT);
    const created = await client.findLogSourceByName('Before');
    const fullId = created?.id ?? '';
    const uuid = fullId.replace('LogSources/', '');

    // Act
    await client.waitForOrder(await client.editLogSource(fullId, sampleLogSourceBody('After')), QUICK_WAIT);
    await client.waitForOrder(await client.editLogSource(uuid, sampleLogSourceBody('AfterAgain')), QUICK_WAIT);
    const fetched = await client.getLogSource(fullId);

    // Assess
    expect(fetched.name).toBe('AfterAgain');
    expect(fetched.id).toBe(fullId);
    const writes = director.operations.filter((operation) => operation.startsWith('PUT'));
    expect(writes).toEqual([
      `PUT /configapi/${director.poolUuid}/${director.logpointId}/LogSources/${uuid}`,
      `PUT /configapi/${director.poolUuid}/${director.logpointId}/LogSources/${uuid}`,
    ]);
  });

  it('refuses an edit whose body names a different log source, before calling Director', async () => {
    // Prepare
    const { client, director } = await start();
    const body = { ...sampleLogSourceBody(), id: 'LogSources/00000000-0000-4000-8000-000000000001' };

    // Act
    const error = await rejectionOf(client.editLogSource('00000000-0000-4000-8000-000000000002', body));

    // Assess
    expect(error).toBeInstanceOf(OnboardingError);
    expect(error).toMatchObject({ code: 'INVALID_INPUT' });
    expect(director.requests).toEqual([]);
  });

  it('deletes a log source and the list no longer holds it', async () => {
    // Prepare
    const { client } = await start({ client: { sleep: realSleep } });
    await client.waitForOrder(await client.createLogSource(sampleLogSourceBody('Doomed')), QUICK_WAIT);
    const created = await client.findLogSourceByName('Doomed');

    // Act
    const order = await client.deleteLogSource(created?.id ?? '');
    await client.waitForOrder(order, QUICK_WAIT);

    // Assess
    expect(await client.listLogSources()).toEqual([]);
    expect(await client.findLogSourceByName('Doomed')).toBeNull();
  });

  it('rejects a log source id that is not LogSources/<uuid> or <uuid>', async () => {
    // Prepare
    const { client } = await start();

    // Act
    const errors = await Promise.all(['', 'LogSources/', 'a/b', '../x'].map((id) => rejectionOf(client.getLogSource(id))));

    // Assess
    for (const error of errors) expect(error).toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('DirectorClient reads', () => {
  it('lists log sources in the read shape, keeping unknown fields and masking the connector secret', async () => {
    // Prepare
    const { client } = await start({
      simulator: { seed: { logSources: [seededLogSource('Seeded', 'LogSources/1247a17f-4d16-4c3f-9002-448752ca8029')] } },
    });

    // Act
    const [record] = await client.listLogSources();

    // Assess
    expect(record).toMatchObject({
      id: 'LogSources/1247a17f-4d16-4c3f-9002-448752ca8029',
      name: 'Seeded',
      log_source_type: 'S3Fetcher',
      last_log_received: null,
    });
    expect(typeof record?.config?.RoutingPolicy).toBe('string');
    expect(record?.config?.Connector?.secret_key).toBe(REDACTED);
    expect(record?.config?.Connector?.bucket_name).toBe('org-trail-bucket');
  });

  it('masks a secret_key that Director did not mask and tolerates extra fields and a {data: [...]} wrapper', async () => {
    // Prepare
    const { client, director } = await start();
    const unmasked = {
      id: 'LogSources/1247a17f-4d16-4c3f-9002-448752ca8029',
      name: 'Raw',
      log_source_type: 'S3Fetcher',
      description: null,
      brand_new_field: { nested: true },
      config: { Connector: { access_key: 'AKIATESTONLYEXAMPLE0', secret_key: 'plain-text-secret-value' }, RoutingPolicy: '64b7f0c2a91e4d3f8c2b1a99' },
    };
    director.faults.failRoute('GET /LogSources', { status: 200, body: { data: [unmasked] } });

    // Act
    const [record] = await client.listLogSources();

    // Assess
    expect(record?.config?.Connector?.secret_key).toBe(REDACTED);
    expect(record).toMatchObject({ name: 'Raw', brand_new_field: { nested: true } });
    expect(JSON.stringify(record)).not.toContain('plain-text-secret-value');
  });

  it('gets one log source by id and raises DIRECTOR_NOT_FOUND for an unknown one', async () => {
    // Prepare
    const id = 'LogSources/1247a17f-4d16-4c3f-9002-448752ca8029';
    const { client } = await start({ simulator: { seed: { logSources: [seededLogSource('One', id)] } } });

    // Act
    const found = await client.getLogSource(id);
    const missing = await rejectionOf(client.getLogSource('00000000-0000-4000-8000-000000000000'));

    // Assess
    expect(found.name).toBe('One');
    expect(missing).toBeInstanceOf(DirectorNotFoundError);
    expect(missing).toMatchObject({ code: 'DIRECTOR_NOT_FOUND', status: 404, method: 'GET' });
  });

  it('findLogSourceByName matches exactly (case and whole name) and returns null when absent', async () => {
    // Prepare
    const { client } = await start({
      simulator: { seed: { logSources: [seededLogSource('CloudTrail-1'), seededLogSource('CloudTrail-12')] } },
    });

    // Act
    const exact = await client.findLogSourceByName('CloudTrail-1');
    const otherCase = await client.findLogSourceByName('cloudtrail-1');
    const prefix = await client.findLogSourceByName('CloudTrail');

    // Assess
    expect(exact?.name).toBe('CloudTrail-1');
    expect(otherCase).toBeNull();
    expect(prefix).toBeNull();
  });

  it('refuses to pick one of two log sources with the same name', async () => {
    // Prepare
    const { client, director } = await start();
    const twin = (uuid: string): JsonObject => ({ id: `LogSources/${uuid}`, name: 'Twin', log_source_type: 'S3Fetcher' });
    director.faults.failRoute('GET /LogSources', {
      status: 200,
      body: [twin('00000000-0000-4000-8000-000000000001'), twin('00000000-0000-4000-8000-000000000002')],
    });

    // Act
    const error = await rejectionOf(client.findLogSourceByName('Twin'));

    // Assess
    expect(error).toBeInstanceOf(DirectorBadResponseError);
  });
});

describe('DirectorClient lookups', () => {
  it('reads every lookup list of the simulator', async () => {
    // Prepare
    const { client } = await start();

    // Act
    const [charsets, normalizers, repos, enrichment, routing, devices] = await Promise.all([
      client.listCharsets(),
      client.listCompiledNormalizers(),
      client.listRepos(),
      client.listEnrichmentPolicies(),
      client.listRoutingPolicies(),
      client.listDevices(),
    ]);

    // Assess
    expect(charsets).toContain('utf_8');
    expect(charsets.every((name) => typeof name === 'string')).toBe(true);
    expect(normalizers.map((normalizer) => normalizer.name)).toContain('CloudTrailCompiledNormalizer');
    expect(repos.map((repo) => repo.name)).toContain('_logpoint');
    expect(enrichment.map((policy) => policy.name)).toContain('GeoIP');
    expect(routing[0]).toMatchObject({ policy_name: 'default_routing' });
    expect(devices.length).toBeGreaterThan(0);
  });

  it('flattens several charset groups and accepts a plain string array', async () => {
    // Prepare
    const { client, director } = await start();
    director.faults.failRoute('GET /Charsets', { status: 200, body: [{ charsets: ['utf_8', 'ascii'] }, { charsets: ['latin_1', 'utf_8'] }] });
    director.faults.failRoute('GET /Charsets', { status: 200, body: ['utf_16'] });

    // Act
    const grouped = await client.listCharsets();
    const plain = await client.listCharsets();

    // Assess
    expect(grouped).toEqual(['utf_8', 'ascii', 'latin_1']);
    expect(plain).toEqual(['utf_16']);
  });

  it('raises DIRECTOR_BAD_RESPONSE when a lookup is not a list of the expected items', async () => {
    // Prepare
    const { client, director } = await start();
    director.faults.failRoute('GET /Repos', { status: 200, body: { repos: 'none' } });
    director.faults.failRoute('GET /Charsets', { status: 200, body: [{ charsets: [1, 2] }] });

    // Act
    const repos = await rejectionOf(client.listRepos());
    const charsets = await rejectionOf(client.listCharsets());

    // Assess
    expect(repos).toBeInstanceOf(DirectorBadResponseError);
    expect(charsets).toBeInstanceOf(DirectorBadResponseError);
  });

  it('resolves an enrichment policy by exact name or by id, and reports an unknown one as CONFIG_INVALID', async () => {
    // Prepare
    const { client } = await start({ simulator: { seed: { enrichmentPolicies: [{ id: 'aaaaaaaaaaaaaaaaaaaaaaaa', name: 'Assets' }] } } });

    // Act
    const byName = await client.resolveEnrichmentPolicyId('GeoIP');
    const byId = await client.resolveEnrichmentPolicyId('AAAAAAAAAAAAAAAAAAAAAAAA');
    const unknown = await rejectionOf(client.resolveEnrichmentPolicyId('geoip'));

    // Assess
    expect(byName).toBe('64b7f0c2a91e4d3f8c2b1a90');
    expect(byId).toBe('aaaaaaaaaaaaaaaaaaaaaaaa');
    expect(unknown).toMatchObject({ code: 'CONFIG_INVALID' });
  });
});

describe('DirectorClient orders', () => {
  it.each(['bare', 'leading-slash', 'v1'] as const)('follows a %s order path to the finished order', async (orderPathStyle) => {
    // Prepare
    const { client, director } = await start({ simulator: { orderPathStyle }, client: { sleep: realSleep } });

    // Act
    const order = await client.createLogSource(sampleLogSourceBody());
    const outcome = await client.waitForOrder(order, QUICK_WAIT);

    // Assess
    expect(outcome.state).toBe('succeeded');
    expect(director.requests.filter((request) => request.path.includes('/orders/')).every((request) => request.status === 200)).toBe(true);
  });

  it('reports the created id when the order response carries one', async () => {
    // Prepare
    const { client } = await start({ simulator: { orderResponseIncludesId: true }, client: { sleep: realSleep } });

    // Act
    const outcome = await client.waitForOrder(await client.createLogSource(sampleLogSourceBody('WithId')), QUICK_WAIT);

    // Assess
    expect(outcome.id).toMatch(/^LogSources\/[0-9a-f-]{36}$/);
    expect((await client.findLogSourceByName('WithId'))?.id).toBe(outcome.id);
  });

  it('reads an order by path, by full URL and by bare request id, pending first and succeeded later', async () => {
    // Prepare: the simulator's orders follow a clock the test moves, so "pending" holds on any machine.
    let now = Date.now();
    const { client, director } = await start({ simulator: { orderDelayMs: 300, clock: () => now } });
    const order = await client.createLogSource(sampleLogSourceBody());

    // Act
    const pending = await client.getOrder(order.requestId);
    now += 350;
    const byUrl = await client.getOrder(`${director.baseUrl}${order.orderPath}`);
    const byPath = await client.getOrder(order.orderPath.slice(1));

    // Assess
    expect(pending).toEqual({ state: 'pending' });
    expect(byUrl).toMatchObject({ state: 'succeeded' });
    expect(byPath).toMatchObject({ state: 'succeeded' });
  });

  it('raises DIRECTOR_ORDER_FAILED listing the validation messages of a duplicate create', async () => {
    // Prepare
    const { client } = await start({ simulator: { seed: { logSources: [seededLogSource('Taken')] } }, client: { sleep: realSleep } });
    const order = await client.createLogSource(sampleLogSourceBody('Taken'));

    // Act
    const error = await rejectionOf(client.waitForOrder(order, QUICK_WAIT));

    // Assess
    expect(error).toBeInstanceOf(DirectorOrderFailedError);
    expect(error).toMatchObject({ code: 'DIRECTOR_ORDER_FAILED', validationErrors: { name: ['The value already exists.'] } });
    expect((error as Error).message).toContain('name: The value already exists.');
    expect((error as Error).message).toContain(order.requestId);
  });

  it('carries injected order errors into DIRECTOR_ORDER_FAILED', async () => {
    // Prepare
    const { client, director } = await start({ client: { sleep: realSleep } });
    director.faults.failOrders(1, { message: 'Order could not be applied.', errors: ['Collector unreachable.'] });

    // Act
    const error = await rejectionOf(client.waitForOrder(await client.createLogSource(sampleLogSourceBody()), QUICK_WAIT));

    // Assess
    expect(error).toMatchObject({ code: 'DIRECTOR_ORDER_FAILED', errors: ['Collector unreachable.'] });
    expect((error as Error).message).toContain('Order could not be applied. (Collector unreachable.)');
  });

  it('gives up with DIRECTOR_ORDER_TIMEOUT when an order never finishes', async () => {
    // Prepare
    const { client, director } = await start({ client: { sleep: realSleep } });
    director.faults.neverFinishOrders();
    const order = await client.createLogSource(sampleLogSourceBody());

    // Act
    const error = await rejectionOf(client.waitForOrder(order, { deadlineMs: 150, initialDelayMs: 10, maxDelayMs: 40 }));

    // Assess
    expect(error).toBeInstanceOf(DirectorOrderTimeoutError);
    expect(error).toMatchObject({ code: 'DIRECTOR_ORDER_TIMEOUT', requestId: order.requestId });
  });

  it('raises DIRECTOR_NOT_FOUND for an unknown request id and INVALID_INPUT for a malformed reference', async () => {
    // Prepare
    const { client } = await start();

    // Act
    const unknown = await rejectionOf(client.getOrder('9b2f0d7e-1c1e-4d55-9a43-6b0c1e2f3a4b'));
    const malformed = await rejectionOf(client.getOrder('monitorapi/../../configapi'));

    // Assess
    expect(unknown).toBeInstanceOf(DirectorNotFoundError);
    expect(malformed).toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('accepts a write answer whose status is "success" in any case and whose extra fields are unknown', async () => {
    // Prepare
    const { client, director } = await start();
    const requestId = '9b2f0d7e-1c1e-4d55-9a43-6b0c1e2f3a4b';
    director.faults.failRoute('POST /LogSources', {
      status: 200,
      body: { status: 'SUCCESS', message: `monitorapi/${director.poolUuid}/${director.logpointId}/orders/${requestId}`, trace: 'x' },
    });

    // Act
    const order = await client.createLogSource(sampleLogSourceBody());

    // Assess
    expect(order).toEqual({ requestId, orderPath: `/monitorapi/${director.poolUuid}/${director.logpointId}/orders/${requestId}` });
  });

  it('treats a write answer without an order path as DIRECTOR_BAD_RESPONSE and a 200 "Error" status as DIRECTOR_VALIDATION_FAILED', async () => {
    // Prepare
    const { client, director } = await start();
    director.faults.failRoute('POST /LogSources', { status: 200, body: { status: 'Success', message: 'Done.' } });
    director.faults.failRoute('POST /LogSources', { status: 200, body: { status: 'Error', message: 'Plugin is disabled.' } });

    // Act
    const noPath = await rejectionOf(client.createLogSource(sampleLogSourceBody()));
    const refused = await rejectionOf(client.createLogSource(sampleLogSourceBody()));

    // Assess
    expect(noPath).toBeInstanceOf(DirectorBadResponseError);
    expect(refused).toBeInstanceOf(DirectorValidationError);
    expect((refused as Error).message).toContain('Plugin is disabled.');
  });
});

describe('DirectorClient configuration', () => {
  it('rejects an empty pool or logpoint at construction', () => {
    // Prepare
    const store = new InMemoryDirectorCredentialsStore({ secretKey: 'test-only-key' });

    // Act
    const build = (): DirectorClient => new DirectorClient({ baseUrl: 'http://127.0.0.1:1', poolUuid: ' ', logpointId: 'x', credentials: store });

    // Assess
    expect(build).toThrow(OnboardingError);
  });
});
