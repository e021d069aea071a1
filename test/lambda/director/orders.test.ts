import { describe, expect, it } from 'vitest';
import { DirectorBadResponseError, DirectorOrderFailedError, DirectorOrderTimeoutError, DirectorValidationError } from '../../../lambda/director/errors.js';
import { interpretOrder, parseWriteAcknowledgement, pollOrder } from '../../../lambda/director/orders.js';
import { REDACTED } from '../../../lambda/director/redact.js';
import type { OrderStatus } from '../../../lambda/director/types.js';

const POOL = 'a1'.repeat(16);
const LOGPOINT = 'b2'.repeat(16);
const REQUEST_ID = '9b2f0d7e-1c1e-4d55-9a43-6b0c1e2f3a4b';
const location = { poolUuid: POOL, logpointId: LOGPOINT };
const reference = { requestId: REQUEST_ID, orderPath: `/monitorapi/${POOL}/${LOGPOINT}/orders/${REQUEST_ID}` };
const envelope = { pool_uuid: POOL, logpoint_identifier: LOGPOINT };

describe('interpretOrder', () => {
  it('reads a queued order (no in_progress) as pending', () => {
    // Act
    const status = interpretOrder({ request: { data: { name: 'x' }, action: 'create' }, response: {}, ...envelope });

    // Assess
    expect(status).toEqual({ state: 'pending' });
  });

  it('reads a running order and a missing or null response as pending', () => {
    // Act
    const statuses = [
      interpretOrder({ request: { data: {}, action: 'create', in_progress: true }, response: {} }),
      interpretOrder({ request: {} }),
      interpretOrder({ request: {}, response: null }),
    ];

    // Assess
    expect(statuses).toEqual([{ state: 'pending' }, { state: 'pending' }, { state: 'pending' }]);
  });

  it('reads success with and without id, warning and extra fields', () => {
    // Act
    const withId = interpretOrder({
      request: {},
      response: { success: true, message: 'Created.', id: 'LogSources/x', errors: [], warning: 'Slow disk.', extra: 1 },
    });
    const withoutId = interpretOrder({ request: {}, response: { success: true, message: 'Created.' } });

    // Assess
    expect(withId).toEqual({ state: 'succeeded', id: 'LogSources/x', message: 'Created.', warning: 'Slow disk.' });
    expect(withoutId).toEqual({ state: 'succeeded', message: 'Created.' });
  });

  it('reads the documented failure with validationErrors', () => {
    // Act
    const status = interpretOrder({
      request: {},
      response: { success: false, message: 'Some of the form fields are invalid, please check.', validationErrors: { name: ['The value already exists.'] } },
    });

    // Assess
    expect(status).toEqual({
      state: 'failed',
      message: 'Some of the form fields are invalid, please check.',
      validationErrors: { name: ['The value already exists.'] },
      errors: [],
    });
  });

  it('tolerates string flags, a status word, single-string messages and nested validation sections', () => {
    // Act
    const stringFlag = interpretOrder({ response: { success: 'True' } });
    const statusWord = interpretOrder({ response: { status: 'Failed', errors: 'Collector offline.' } });
    const nested = interpretOrder({
      response: { success: false, validationErrors: { Connector: { bucket_name: 'Required.' } }, errors: [{ message: 'Bad.' }] },
    });

    // Assess
    expect(stringFlag).toEqual({ state: 'succeeded' });
    expect(statusWord).toMatchObject({ state: 'failed', errors: ['Collector offline.'], message: 'Director reported the order as failed' });
    expect(nested).toMatchObject({ state: 'failed', validationErrors: { 'Connector.bucket_name': ['Required.'] }, errors: ['Bad.'] });
  });

  it('reads errors without a success flag as a failure', () => {
    // Act
    const status = interpretOrder({ response: { errors: ['Repo missing.'] } });

    // Assess
    expect(status).toMatchObject({ state: 'failed', errors: ['Repo missing.'] });
  });

  it.each([
    ['not an object', []],
    ['a response that is a string', { response: 'done' }],
    ['a response without an outcome', { response: { message: 'Something happened.' } }],
  ])('raises DIRECTOR_BAD_RESPONSE for %s', (_label, json) => {
    // Act
    const read = (): OrderStatus => interpretOrder(json);

    // Assess
    expect(read).toThrow(DirectorBadResponseError);
  });

  it('redacts secret values that the order itself or the caller knows', () => {
    // Act
    const status = interpretOrder(
      {
        request: { data: { config: { Connector: { secret_key: 'echoed-secret-value' } } } },
        response: { success: false, errors: ['echoed-secret-value is wrong', 'tok-123456 bad'] },
      },
      { secrets: ['tok-123456'] },
    );

    // Assess
    expect(status).toMatchObject({ errors: [`${REDACTED} is wrong`, `${REDACTED} bad`] });
  });
});

describe('parseWriteAcknowledgement', () => {
  const facts = { method: 'POST', path: '/configapi/x/y/LogSources', status: 200 };

  it.each(['Success', 'success', 'SUCCESS', undefined])('accepts status %s', (status) => {
    // Act
    const order = parseWriteAcknowledgement({ status, message: `monitorapi/${POOL}/${LOGPOINT}/orders/${REQUEST_ID}` }, location, facts);

    // Assess
    expect(order).toEqual(reference);
  });

  it('falls back to a request_id field', () => {
    // Act
    const order = parseWriteAcknowledgement({ status: 'Success', message: 'Accepted.', request_id: REQUEST_ID }, location, facts);

    // Assess
    expect(order).toEqual(reference);
  });

  it('does not take a plain word in message for a request id', () => {
    // Act
    const read = (): unknown => parseWriteAcknowledgement({ status: 'Success', message: 'Accepted' }, location, facts);

    // Assess
    expect(read).toThrow(DirectorBadResponseError);
  });

  it('reads a non-success status as DIRECTOR_VALIDATION_FAILED', () => {
    // Act
    const read = (): unknown => parseWriteAcknowledgement({ status: 'Error', message: 'Nope.' }, location, facts);

    // Assess
    expect(read).toThrow(DirectorValidationError);
  });
});

describe('pollOrder', () => {
  function fakeTime(): { now: () => number; sleep: (ms: number) => Promise<void>; slept: number[] } {
    let now = 0;
    const slept: number[] = [];
    return {
      now: () => now,
      sleep: (ms) => {
        slept.push(ms);
        now += ms;
        return Promise.resolve();
      },
      slept,
    };
  }

  function answers(...statuses: OrderStatus[]): () => Promise<OrderStatus> {
    return () => Promise.resolve(statuses.shift() ?? { state: 'pending' });
  }

  it('waits with doubling delays capped at maxDelayMs until success', async () => {
    // Prepare
    const time = fakeTime();
    const getStatus = answers({ state: 'pending' }, { state: 'pending' }, { state: 'pending' }, { state: 'pending' }, { state: 'succeeded', message: 'ok' });

    // Act
    const outcome = await pollOrder({ reference, getStatus, ...time }, { deadlineMs: 60_000, initialDelayMs: 1_000, maxDelayMs: 5_000 });

    // Assess
    expect(outcome).toEqual({ state: 'succeeded', message: 'ok' });
    expect(time.slept).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
  });

  it('throws DIRECTOR_ORDER_FAILED whose message lists every reason', async () => {
    // Prepare
    const time = fakeTime();
    const getStatus = answers({ state: 'failed', message: 'Invalid.', validationErrors: { name: ['Exists.'], charset: ['Unknown.'] }, errors: ['Other.'] });

    // Act
    const error = await pollOrder({ reference, getStatus, ...time }).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(DirectorOrderFailedError);
    expect((error as Error).message).toBe(
      `Director order ${REQUEST_ID} failed [GET ${reference.orderPath}]: Invalid. (name: Exists.; charset: Unknown.; Other.)`,
    );
  });

  it('throws DIRECTOR_ORDER_TIMEOUT at the deadline, the last wait shortened to fit', async () => {
    // Prepare
    const time = fakeTime();

    // Act
    const error = await pollOrder({ reference, getStatus: answers(), ...time }, { deadlineMs: 10_000, initialDelayMs: 1_000, maxDelayMs: 4_000 }).catch(
      (caught: unknown) => caught,
    );

    // Assess
    expect(error).toBeInstanceOf(DirectorOrderTimeoutError);
    expect(time.slept).toEqual([1_000, 2_000, 4_000, 3_000]);
    expect(error).toMatchObject({ details: { polls: 4, waitedMs: 10_000 } });
  });
});
