import { describe, expect, it } from 'vitest';
import { call, configPath, createAndComplete, manualClock, orderPathOf, seedCreateRequest, useDirectorSimulator } from './director-http.js';

const ORDER_DELAY_MS = 40;

describe('Director simulator fault injection', () => {
  const clock = manualClock();
  const director = useDirectorSimulator({ orderDelayMs: ORDER_DELAY_MS, clock: clock.now });

  const logSources = (): string => configPath(director(), 'LogSources');

  it('answers the injected status to the next N calls of the matching route only', async () => {
    director().faults.failRoute('POST /LogSources', { status: 503, count: 2 });

    const list = await call(director(), 'GET', logSources());
    const first = await call(director(), 'POST', logSources(), { body: seedCreateRequest() });
    const second = await call(director(), 'POST', logSources(), { body: seedCreateRequest() });
    const third = await call(director(), 'POST', logSources(), { body: seedCreateRequest() });

    expect(list.status).toBe(200);
    expect(first.status).toBe(503);
    expect(first.body).toEqual({ status: 'Error', message: expect.any(String) });
    expect(second.status).toBe(503);
    expect(third.status).toBe(200);
    expect(director().operations).toEqual([`POST ${logSources()}`]);
  });

  it('sends the given body with an injected status, and globs match edits and orders', async () => {
    director().faults.failRoute('PUT /LogSources/*', { status: 500, body: { detail: 'boom' } });
    director().faults.failRoute('GET /orders/*', { status: 502 });

    const edit = await call(director(), 'PUT', configPath(director(), 'LogSources/1247a17f-4d16-4c3f-9002-448752ca8029'), { body: seedCreateRequest() });
    const order = await call(director(), 'GET', `/monitorapi/${director().poolUuid}/${director().logpointId}/orders/3f2b8c1e-0d4a-4e5b-9c6d-7e8f9a0b1c2d`);

    expect(edit.status).toBe(500);
    expect(edit.body).toEqual({ detail: 'boom' });
    expect(order.status).toBe(502);
  });

  it('can fail the token refresh route', async () => {
    director().faults.failRoute('POST /refreshToken', { status: 504 });

    const answer = await call(director(), 'POST', '/refreshToken', { token: null, body: { secretKey: director().secretKey } });

    expect(answer.status).toBe(504);
  });

  it('rejects a route pattern it cannot read', () => {
    expect(() => director().faults.failRoute('POST GET /LogSources', { status: 503 })).toThrow(/invalid route pattern/);
  });

  it('delays a matching request by the injected latency (a short client timeout fires first)', async () => {
    director().faults.setLatency(30_000, 'GET /Repos');

    const delayed = call(director(), 'GET', configPath(director(), 'Repos'), { signal: AbortSignal.timeout(100) });
    const other = await call(director(), 'GET', configPath(director(), 'Charsets'), { signal: AbortSignal.timeout(10_000) });

    await expect(delayed).rejects.toThrow(/abort|timeout/i);
    expect(other.status).toBe(200);
  });

  it('delays every request with a global latency, and 0 removes it', async () => {
    director().faults.setLatency(30_000);

    const delayed = call(director(), 'GET', configPath(director(), 'Charsets'), { signal: AbortSignal.timeout(100) });
    await expect(delayed).rejects.toThrow(/abort|timeout/i);
    director().faults.setLatency(0);
    const after = await call(director(), 'GET', configPath(director(), 'Charsets'), { signal: AbortSignal.timeout(10_000) });

    expect(after.status).toBe(200);
  });

  it('drops the connection of the next N calls without an answer, and records status 0', async () => {
    director().faults.dropConnections(1, 'POST /LogSources');

    const dropped = call(director(), 'POST', logSources(), { body: seedCreateRequest() });
    await expect(dropped).rejects.toThrow(/fetch failed/);
    const retried = await call(director(), 'POST', logSources(), { body: seedCreateRequest() });

    expect(retried.status).toBe(200);
    expect(director().requests.map(({ method, status }) => [method, status])).toEqual([
      ['POST', 0],
      ['POST', 200],
    ]);
    expect(director().operations).toHaveLength(1);
  });

  it('answers 429 with Retry-After to the next N calls', async () => {
    director().faults.throttle(2, { retryAfter: 7 });

    const answers = [];
    for (let index = 0; index < 3; index += 1) answers.push(await call(director(), 'GET', logSources()));

    expect(answers.map((answer) => answer.status)).toEqual([429, 429, 200]);
    expect(answers[0]?.headers.get('retry-after')).toBe('7');
    expect(answers[0]?.body).toEqual({ status: 'Error', message: expect.any(String) });
  });

  it('passes an HTTP-date Retry-After through as given', async () => {
    director().faults.throttle(1, { retryAfter: 'Wed, 21 Oct 2026 07:28:00 GMT', route: 'GET /Charsets' });

    const answer = await call(director(), 'GET', configPath(director(), 'Charsets'));

    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('Wed, 21 Oct 2026 07:28:00 GMT');
  });

  it('limits the request rate per second with 429 and a Retry-After of the remaining window', async () => {
    director().faults.rateLimit(2);

    const inWindow = [];
    for (let index = 0; index < 3; index += 1) inWindow.push(await call(director(), 'GET', logSources()));
    clock.advance(1000);
    const nextWindow = await call(director(), 'GET', logSources());

    expect(inWindow.map((answer) => answer.status)).toEqual([200, 200, 429]);
    expect(inWindow[2]?.headers.get('retry-after')).toBe('1');
    expect(nextWindow.status).toBe(200);
  });

  it('fails the next N orders with the given validation errors and changes nothing', async () => {
    director().faults.failOrders(1, { validationErrors: { bucket_name: ['Access denied.'] } });

    const failed = await createAndComplete(director(), clock, seedCreateRequest(), ORDER_DELAY_MS);
    const listAfterFailure = director().logSources();
    const succeeded = await createAndComplete(director(), clock, seedCreateRequest(), ORDER_DELAY_MS);

    expect(failed.response).toEqual({
      success: false,
      message: 'Some of the form fields are invalid, please check.',
      validationErrors: { bucket_name: ['Access denied.'] },
    });
    expect(listAfterFailure).toEqual([]);
    expect(succeeded.response.success).toBe(true);
  });

  it('fails an order with plain errors when no validation errors are given', async () => {
    director().faults.failOrders(1, { message: 'Internal error.', errors: ['Collector unreachable.'] });

    const failed = await createAndComplete(director(), clock, seedCreateRequest(), ORDER_DELAY_MS);

    expect(failed.response).toEqual({ success: false, message: 'Internal error.', errors: ['Collector unreachable.'] });
  });

  it('keeps orders in progress forever with neverFinishOrders', async () => {
    director().faults.neverFinishOrders();

    const accepted = await call(director(), 'POST', logSources(), { body: seedCreateRequest() });
    clock.advance(24 * 60 * 60 * 1000);
    const view = await call(director(), 'GET', orderPathOf(accepted));

    expect(view.body.response).toEqual({});
    expect(view.body.request.in_progress).toBe(true);
    expect(director().logSources()).toEqual([]);
  });

  it('removes every fault with clear()', async () => {
    director().faults.failRoute('GET /LogSources', { status: 500, count: Infinity });
    director().faults.throttle(5);
    director().faults.rateLimit(1);

    director().faults.clear();
    const answers = [await call(director(), 'GET', logSources()), await call(director(), 'GET', logSources())];

    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
  });
});
