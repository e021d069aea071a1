import { describe, expect, it } from 'vitest';
import { startDirectorSimulator } from '../../../local/director-simulator/index.js';
import type { OrderPathStyle } from '../../../local/director-simulator/index.js';
import { call, configPath, createAndComplete, manualClock, orderPathOf, seedCreateRequest, seedEditRequest, useDirectorSimulator } from './director-http.js';
import type { AnyJson } from './director-http.js';

const ORDER_DELAY_MS = 40;
const INVALID_FORM = 'Some of the form fields are invalid, please check.';

describe('Director simulator orders', () => {
  const clock = manualClock();
  const director = useDirectorSimulator({ orderDelayMs: ORDER_DELAY_MS, clock: clock.now });

  async function submit(method: string, resource: string, body?: unknown): Promise<string> {
    const answer = await call(director(), method, configPath(director(), resource), { body });
    expect(answer.status).toBe(200);
    return orderPathOf(answer);
  }

  it('shows an order queued, then in progress with the masked body, then succeeded', async () => {
    // Prepare
    const body = seedCreateRequest();
    const order = await submit('POST', 'LogSources', body);

    // Act
    const queued = (await call(director(), 'GET', order)).body;
    clock.advance(ORDER_DELAY_MS / 2);
    const running = (await call(director(), 'GET', order)).body;
    const listWhileRunning = director().logSources();
    clock.advance(ORDER_DELAY_MS / 2);
    const done = (await call(director(), 'GET', order)).body;

    // Assess
    const shown = structuredClone(body.data);
    shown.config.Connector.secret_key = '********';
    const location = { pool_uuid: director().poolUuid, logpoint_identifier: director().logpointId };
    expect(queued).toEqual({ request: { data: shown, action: 'create' }, response: {}, ...location });
    expect(running).toEqual({ request: { data: shown, action: 'create', in_progress: true }, response: {}, ...location });
    expect(listWhileRunning).toEqual([]);
    expect(done).toEqual({ request: {}, response: { success: true, message: expect.any(String), errors: [] }, ...location });
    expect(director().logSources()).toHaveLength(1);
  });

  it('completes orders on the real clock after orderDelayMs', async () => {
    const realTime = await startDirectorSimulator({ orderDelayMs: 25 });
    try {
      const accepted = await call(realTime, 'POST', configPath(realTime, 'LogSources'), { body: seedCreateRequest() });
      let view: AnyJson;
      for (let attempt = 0; attempt < 200; attempt += 1) {
        view = (await call(realTime, 'GET', orderPathOf(accepted))).body;
        if (Object.keys(view.response as object).length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }

      expect(view.response.success).toBe(true);
      expect(realTime.logSources()).toHaveLength(1);
    } finally {
      await realTime.stop();
    }
  });

  it('shows the action of edit and delete orders', async () => {
    await createAndComplete(director(), clock, seedCreateRequest(), ORDER_DELAY_MS);
    const uuid = (director().logSources()[0]?.id as string).slice('LogSources/'.length);

    const edit = (await call(director(), 'GET', await submit('PUT', `LogSources/${uuid}`, seedEditRequest()))).body;
    const remove = (await call(director(), 'GET', await submit('DELETE', `LogSources/${uuid}`))).body;

    expect(edit.request.action).toBe('edit');
    expect(edit.request.data.config.Connector.secret_key).toBe('********');
    expect(remove.request).toEqual({ data: { id: `LogSources/${uuid}` }, action: 'delete' });
  });

  it('answers 404 to an unknown request_id, on both monitorapi forms', async () => {
    const unknown = '3f2b8c1e-0d4a-4e5b-9c6d-7e8f9a0b1c2d';

    const plain = await call(director(), 'GET', `/monitorapi/${director().poolUuid}/${director().logpointId}/orders/${unknown}`);
    const v1 = await call(director(), 'GET', `/monitorapi/v1/${director().poolUuid}/${director().logpointId}/orders/${unknown}`);

    expect(plain.status).toBe(404);
    expect(v1.status).toBe(404);
    expect(plain.body).toEqual({ status: 'Error', message: expect.any(String) });
  });

  it('serves an order on the /monitorapi/v1/ form too', async () => {
    const order = await submit('POST', 'LogSources', seedCreateRequest());

    const view = await call(director(), 'GET', order.replace('/monitorapi/', '/monitorapi/v1/'));

    expect(view.status).toBe(200);
    expect(view.body.request.action).toBe('create');
  });

  describe('fails the order and changes nothing when the body conflicts with Director state', () => {
    async function expectFailedCreate(body: AnyJson, validationErrors: Record<string, unknown[]>): Promise<void> {
      const before = director().logSources();
      const order = await createAndComplete(director(), clock, body, ORDER_DELAY_MS);
      expect(order.request).toEqual({});
      expect(order.response).toEqual({ success: false, message: INVALID_FORM, validationErrors });
      expect(director().logSources()).toEqual(before);
    }

    it('a duplicate name on create', async () => {
      await createAndComplete(director(), clock, seedCreateRequest(), ORDER_DELAY_MS);
      await expectFailedCreate(seedCreateRequest(), { name: ['The value already exists.'] });
    });

    it('an edit to the name of another log source', async () => {
      await createAndComplete(director(), clock, seedCreateRequest(), ORDER_DELAY_MS);
      const other = seedEditRequest();
      await createAndComplete(director(), clock, other, ORDER_DELAY_MS);
      const updated = director()
        .logSources()
        .find((source) => source.name === 'UpdatedCloudTrail');

      const order = await submit('PUT', `LogSources/${(updated?.id as string).slice('LogSources/'.length)}`, seedCreateRequest());
      clock.advance(ORDER_DELAY_MS);

      expect((await call(director(), 'GET', order)).body.response.validationErrors).toEqual({ name: ['The value already exists.'] });
      expect(
        director()
          .logSources()
          .map((source) => source.name),
      ).toEqual(['CloudTrail', 'UpdatedCloudTrail']);
    });

    it('an unknown charset', async () => {
      const body = seedCreateRequest();
      body.data.config.Source.charset = 'utf-8';
      await expectFailedCreate(body, { charset: [expect.stringContaining('utf-8')] });
    });

    it('an unknown compiled normalizer', async () => {
      const body = seedCreateRequest();
      body.data.config.NormalizationPolicy.normalizers = [{ name: 'NoSuchCompiledNormalizer', type: 'compiled' }];
      await expectFailedCreate(body, { normalizers: [expect.stringContaining('NoSuchCompiledNormalizer')] });
    });

    it('an unknown catch_all repo', async () => {
      const body = seedCreateRequest();
      body.data.config.RoutingPolicy.catch_all = 'missing_repo';
      await expectFailedCreate(body, { catch_all: [expect.stringContaining('missing_repo')] });
    });

    it('an unknown repository in a routing criterion', async () => {
      const body = seedCreateRequest();
      body.data.config.RoutingPolicy.routing_criterion = [{ key: 'eventSource', value: 'iam.amazonaws.com', operation: 'store', repository: 'iam_repo' }];
      await expectFailedCreate(body, { repository: [expect.stringContaining('iam_repo')] });
    });

    it.each(['ffffffffffffffffffffffff', 'NoSuchPolicy'])('an unknown enrichment policy %s', async (policy) => {
      const body = seedCreateRequest();
      body.data.config.EnrichmentPolicy = policy;
      await expectFailedCreate(body, { EnrichmentPolicy: [expect.stringContaining(policy)] });
    });

    it.each(['PUT', 'DELETE'])('%s of an unknown id', async (method) => {
      const order = await submit(method, 'LogSources/1247a17f-4d16-4c3f-9002-448752ca8029', method === 'PUT' ? seedEditRequest() : undefined);
      clock.advance(ORDER_DELAY_MS);

      const view = (await call(director(), 'GET', order)).body;

      expect(view.response).toEqual({ success: false, message: expect.any(String), errors: [expect.stringContaining('1247a17f-4d16-4c3f-9002-448752ca8029')] });
    });
  });

  it('accepts a criterion repo that the same body creates, and adds that repo', async () => {
    const body = seedCreateRequest();
    body.data.config.RoutingPolicy = {
      routing_criterion: [{ key: 'eventSource', value: 'iam.amazonaws.com', operation: 'store', repository: 'cloudtrail' }],
      catch_all: 'cloudtrail',
      repo_name: 'cloudtrail',
      path: '/opt/immune/storage/',
      retention: '90',
    };

    const order = await createAndComplete(director(), clock, body, ORDER_DELAY_MS);

    expect(order.response.success).toBe(true);
    const repos = (await call(director(), 'GET', configPath(director(), 'Repos'))).body;
    expect(repos).toContainEqual({ id: expect.any(String), name: 'cloudtrail', repopath: [{ path: '/opt/immune/storage/', retention: 90 }], active: true });
  });

  it('accepts an enrichment policy by name and reads it back as its id', async () => {
    const body = seedCreateRequest();
    body.data.config.EnrichmentPolicy = 'GeoIP';
    const policies = (await call(director(), 'GET', configPath(director(), 'EnrichmentPolicy'))).body;

    await createAndComplete(director(), clock, body, ORDER_DELAY_MS);

    expect(director().logSources()[0]?.config).toMatchObject({
      EnrichmentPolicy: (policies as { id: string; name: string }[]).find((policy) => policy.name === 'GeoIP')?.id,
    });
  });

  it('carries the created id in the order response only with orderResponseIncludesId', async () => {
    const withId = await startDirectorSimulator({ orderDelayMs: ORDER_DELAY_MS, clock: clock.now, orderResponseIncludesId: true });
    try {
      const order = await createAndComplete(withId, clock, seedCreateRequest(), ORDER_DELAY_MS);
      const plain = await createAndComplete(director(), clock, seedCreateRequest(), ORDER_DELAY_MS);

      expect(order.response.id).toBe(withId.logSources()[0]?.id);
      expect(plain.response).not.toHaveProperty('id');
    } finally {
      await withId.stop();
    }
  });

  it.each([
    ['bare', /^monitorapi\/[0-9a-f]{32}\/[0-9a-f]{32}\/orders\//],
    ['leading-slash', /^\/monitorapi\/[0-9a-f]{32}\/[0-9a-f]{32}\/orders\//],
    ['v1', /^\/monitorapi\/v1\/[0-9a-f]{32}\/[0-9a-f]{32}\/orders\//],
  ] as [OrderPathStyle, RegExp][])('spells the order path in the %s style, and serves it', async (style, shape) => {
    const styled = await startDirectorSimulator({ orderDelayMs: ORDER_DELAY_MS, orderPathStyle: style });
    try {
      const accepted = await call(styled, 'POST', configPath(styled, 'LogSources'), { body: seedCreateRequest() });
      const view = await call(styled, 'GET', orderPathOf(accepted));

      expect(accepted.body.message).toMatch(shape);
      expect(view.status).toBe(200);
    } finally {
      await styled.stop();
    }
  });
});
