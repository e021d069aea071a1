import { afterEach, describe, expect, it } from 'vitest';
import { DirectorOutcomeUnknownError } from '../../../lambda/director/index.js';
import { rejectionOf, sampleLogSourceBody, startHarness, type Harness } from './support.js';

/**
 * A create must never reach Director twice by accident: when its answer is lost (a dropped
 * connection, a reply past the timeout, a 5xx after Director applied it), the transport does not
 * send it again; it reports DIRECTOR_OUTCOME_UNKNOWN so the caller reads Director first. A 429,
 * which Director answers without acting, is still retried.
 */

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  harness = await startHarness(options);
  return harness;
}

const posts = (h: Harness): number => h.director.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/LogSources')).length;

describe('Director transport: a create is never sent twice blindly', () => {
  it('reports DIRECTOR_OUTCOME_UNKNOWN after one POST when the connection drops after Director applied it', async () => {
    // Prepare
    const h = await start();
    h.director.faults.dropAfterApply(1, 'POST /LogSources');

    // Act
    const error = await rejectionOf(h.client.createLogSource(sampleLogSourceBody()));

    // Assess
    expect(error).toBeInstanceOf(DirectorOutcomeUnknownError);
    expect(error).toMatchObject({ code: 'DIRECTOR_OUTCOME_UNKNOWN' });
    expect(posts(h)).toBe(1);
    expect(h.director.operations).toHaveLength(1);
  });

  it('reports DIRECTOR_OUTCOME_UNKNOWN after one POST when Director answers 500 after applying it', async () => {
    // Prepare
    const h = await start();
    h.director.faults.failAfterApply(500, { route: 'POST /LogSources' });

    // Act
    const error = await rejectionOf(h.client.createLogSource(sampleLogSourceBody()));

    // Assess
    expect(error).toMatchObject({ code: 'DIRECTOR_OUTCOME_UNKNOWN', status: 500 });
    expect(posts(h)).toBe(1);
  });

  it('reports DIRECTOR_OUTCOME_UNKNOWN after one POST when the answer comes after the client timeout', async () => {
    // Prepare
    const h = await start({ client: { timeoutMs: 100 } });
    h.director.faults.delayReplyAfterApply(2_000, { route: 'POST /LogSources' });

    // Act
    const error = await rejectionOf(h.client.createLogSource(sampleLogSourceBody()));

    // Assess
    expect(error).toMatchObject({ code: 'DIRECTOR_OUTCOME_UNKNOWN', details: { timedOut: true } });
    expect(posts(h)).toBe(1);
  });

  it('retries a POST that Director refused with 429 (it did not act on it), then creates one order', async () => {
    // Prepare
    const h = await start();
    h.director.faults.throttle(1, { retryAfter: 0, route: 'POST /LogSources' });

    // Act
    const order = await h.client.createLogSource(sampleLogSourceBody());

    // Assess
    expect(order.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(posts(h)).toBe(2);
    expect(h.director.operations).toHaveLength(1);
  });

  it('still repeats an idempotent PUT whose connection dropped', async () => {
    // Prepare
    const h = await start();
    const created = await h.client.createLogSource(sampleLogSourceBody());
    await h.client.waitForOrder(created, { deadlineMs: 3_000, initialDelayMs: 5, maxDelayMs: 20 });
    const source = await h.client.findLogSourceByName(sampleLogSourceBody().name);
    h.director.faults.dropAfterApply(1, 'PUT /LogSources/*');

    // Act
    const order = await h.client.editLogSource(source?.id ?? '', sampleLogSourceBody());

    // Assess
    expect(order.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(h.director.requests.filter((request) => request.method === 'PUT')).toHaveLength(2);
  });
});
