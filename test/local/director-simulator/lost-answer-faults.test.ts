import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startDirectorSimulator } from '../../../local/director-simulator/index.js';
import type { DirectorSimulator } from '../../../local/director-simulator/index.js';
import { call, configPath, createAndComplete, manualClock, onlyLogSource, orderPathOf, seedCreateRequest, useDirectorSimulator } from './director-http.js';

const ORDER_DELAY_MS = 40;

/** The seed create example under another name, so a second create does not fail as a duplicate. */
function createRequestNamed(name: string): ReturnType<typeof seedCreateRequest> {
  const request = seedCreateRequest();
  request.data.name = name;
  return request;
}

/** Waits (real time, bounded) until the simulator has accepted `count` writes. */
async function untilOperations(director: DirectorSimulator, count: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (director.operations.length < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} accepted writes, saw ${director.operations.length}`);
    await sleep(5);
  }
}

/**
 * Faults that lose the answer, not the write: each request is served as normal (its order
 * created, later applied), and only what the client learns of it is lost, replaced or late.
 */
describe('Director simulator faults after a write was applied', () => {
  const clock = manualClock();
  const director = useDirectorSimulator({ orderDelayMs: ORDER_DELAY_MS, clock: clock.now });

  const logSources = (): string => configPath(director(), 'LogSources');

  it('applies a write, then drops its connection unanswered with dropAfterApply: the log source still appears', async () => {
    // Prepare
    director().faults.dropAfterApply(1, 'POST /LogSources');

    // Act
    const dropped = call(director(), 'POST', logSources(), { body: seedCreateRequest() });
    await expect(dropped).rejects.toThrow(/fetch failed/);
    clock.advance(ORDER_DELAY_MS);
    const list = await call(director(), 'GET', logSources());

    // Assess
    expect(list.status).toBe(200);
    expect(list.body).toEqual([expect.objectContaining({ name: 'CloudTrail' })]);
    expect(director().operations).toEqual([`POST ${logSources()}`]);
    expect(director().requests.map(({ method, status }) => [method, status])).toEqual([
      ['POST', 0],
      ['GET', 200],
    ]);
  });

  it('applies a write, then answers the injected status with failAfterApply, to the next N matching calls only', async () => {
    // Prepare
    director().faults.failAfterApply(502, { route: 'POST /LogSources' });

    // Act
    const failed = await call(director(), 'POST', logSources(), { body: seedCreateRequest() });
    const next = await call(director(), 'POST', logSources(), { body: createRequestNamed('CloudTrailSecond') });
    clock.advance(ORDER_DELAY_MS);

    // Assess
    expect(failed.status).toBe(502);
    expect(failed.body).toEqual({ status: 'Error', message: expect.any(String) });
    expect(next.status).toBe(200);
    expect(
      director()
        .logSources()
        .map((source) => source.name),
    ).toEqual(['CloudTrail', 'CloudTrailSecond']);
    expect(director().operations).toHaveLength(2);
    expect(director().requests.map(({ status }) => status)).toEqual([502, 200]);
  });

  it('sends the given body with failAfterApply, and the failed-looking delete still deletes', async () => {
    // Prepare
    await createAndComplete(director(), clock, seedCreateRequest(), ORDER_DELAY_MS);
    const uuid = String(onlyLogSource(director()).id).replace('LogSources/', '');
    director().faults.failAfterApply(504, { route: 'DELETE /LogSources/*', body: { message: 'Gateway Timeout' } });

    // Act
    const deleted = await call(director(), 'DELETE', configPath(director(), `LogSources/${uuid}`));
    clock.advance(ORDER_DELAY_MS);

    // Assess
    expect(deleted.status).toBe(504);
    expect(deleted.body).toEqual({ message: 'Gateway Timeout' });
    expect(director().logSources()).toEqual([]);
  });

  it('holds the answer of an applied write with delayReplyAfterApply: a client with a shorter timeout gives up, the source still appears', async () => {
    // Prepare
    director().faults.delayReplyAfterApply(30_000, { route: 'POST /LogSources' });

    // Act
    const late = call(director(), 'POST', logSources(), { body: seedCreateRequest(), signal: AbortSignal.timeout(100) });
    await expect(late).rejects.toThrow(/abort|timeout/i);
    clock.advance(ORDER_DELAY_MS);

    // Assess
    expect(onlyLogSource(director()).name).toBe('CloudTrail');
    expect(director().operations).toEqual([`POST ${logSources()}`]);
  });

  it('writes the real answer only after the delayReplyAfterApply delay to a client that waits longer', async () => {
    // Prepare
    const delayMs = 200;
    director().faults.delayReplyAfterApply(delayMs);
    const started = performance.now();

    // Act
    const accepted = await call(director(), 'POST', logSources(), { body: seedCreateRequest(), signal: AbortSignal.timeout(10_000) });
    const elapsed = performance.now() - started;

    // Assess
    expect(elapsed).toBeGreaterThanOrEqual(delayMs - 10);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ status: 'Success', message: expect.stringMatching(/orders\//) });
    expect(director().requests.map(({ status }) => status)).toEqual([200]);
  });

  it('keeps serving after a client left during a delayed answer, and records status 0 for it', async () => {
    // Prepare
    director().faults.delayReplyAfterApply(150, { route: 'POST /LogSources' });

    // Act
    const abandoned = call(director(), 'POST', logSources(), { body: seedCreateRequest(), signal: AbortSignal.timeout(30) });
    await expect(abandoned).rejects.toThrow(/abort|timeout/i);
    await sleep(300);
    const after = await call(director(), 'GET', logSources());

    // Assess
    expect(after.status).toBe(200);
    expect(director().requests.map(({ method, status }) => [method, status])).toEqual([
      ['POST', 0],
      ['GET', 200],
    ]);
  });

  it('stops at once while an answer is held by delayReplyAfterApply', async () => {
    // Prepare
    const own = await startDirectorSimulator({ orderDelayMs: ORDER_DELAY_MS });
    own.faults.delayReplyAfterApply(60_000);
    const pending = call(own, 'POST', configPath(own, 'LogSources'), { body: seedCreateRequest() }).then(
      () => 'answered',
      () => 'failed',
    );
    await untilOperations(own, 1);
    const started = performance.now();

    // Act
    await own.stop();

    // Assess
    expect(performance.now() - started).toBeLessThan(2000);
    await expect(pending).resolves.toBe('failed');
  });

  it('hides the next N orders from the monitor API with loseOrders (404) while they still apply', async () => {
    // Prepare
    director().faults.loseOrders();

    // Act
    const lostWrite = await call(director(), 'POST', logSources(), { body: seedCreateRequest() });
    const keptWrite = await call(director(), 'POST', logSources(), { body: createRequestNamed('CloudTrailSecond') });
    const lostWhilePending = await call(director(), 'GET', orderPathOf(lostWrite));
    clock.advance(ORDER_DELAY_MS);
    const lostWhenDone = await call(director(), 'GET', orderPathOf(lostWrite));
    const kept = await call(director(), 'GET', orderPathOf(keptWrite));

    // Assess
    expect(lostWrite.status).toBe(200);
    expect(lostWhilePending.status).toBe(404);
    expect(lostWhenDone.status).toBe(404);
    expect(lostWhenDone.body).toEqual({ status: 'Error', message: expect.any(String) });
    expect(kept.status).toBe(200);
    expect(kept.body.response.success).toBe(true);
    expect(
      director()
        .logSources()
        .map((source) => source.name),
    ).toEqual(['CloudTrail', 'CloudTrailSecond']);
  });

  it('removes the after-apply faults and lost orders with clear()', async () => {
    // Prepare
    director().faults.dropAfterApply(Infinity);
    director().faults.failAfterApply(500, { count: Infinity });
    director().faults.delayReplyAfterApply(30_000, { count: Infinity });
    director().faults.loseOrders(Infinity);

    // Act
    director().faults.clear();
    const accepted = await call(director(), 'POST', logSources(), { body: seedCreateRequest(), signal: AbortSignal.timeout(10_000) });
    const order = await call(director(), 'GET', orderPathOf(accepted));

    // Assess
    expect(accepted.status).toBe(200);
    expect(order.status).toBe(200);
  });
});
