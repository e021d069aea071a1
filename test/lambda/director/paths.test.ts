import { describe, expect, it } from 'vitest';
import { configPath, logSourceUuid, parseOrderReference, sameLogSourceId } from '../../../lambda/director/paths.js';

const POOL = 'a1'.repeat(16);
const LOGPOINT = 'b2'.repeat(16);
const REQUEST_ID = '9b2f0d7e-1c1e-4d55-9a43-6b0c1e2f3a4b';
const location = { poolUuid: POOL, logpointId: LOGPOINT };
const canonical = `/monitorapi/${POOL}/${LOGPOINT}/orders/${REQUEST_ID}`;

describe('logSourceUuid', () => {
  it.each([
    ['LogSources/1247a17f-4d16-4c3f-9002-448752ca8029', '1247a17f-4d16-4c3f-9002-448752ca8029'],
    ['1247a17f-4d16-4c3f-9002-448752ca8029', '1247a17f-4d16-4c3f-9002-448752ca8029'],
    ['  logsources/1247A17F-4d16-4c3f-9002-448752ca8029 ', '1247A17F-4d16-4c3f-9002-448752ca8029'],
  ])('reads %s as the bare uuid', (input, expected) => {
    // Act
    const uuid = logSourceUuid(input);

    // Assess
    expect(uuid).toBe(expected);
  });

  it.each(['', 'LogSources/', 'LogSources/a/b', '..', 'x/y'])('rejects %j with INVALID_INPUT', (input) => {
    // Act
    const read = (): string => logSourceUuid(input);

    // Assess
    expect(read).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }) as Error);
  });

  it('compares ids across forms and letter case', () => {
    // Act
    const full = 'LogSources/1247a17f-4d16-4c3f-9002-448752ca8029';

    // Assess
    expect(sameLogSourceId(full, '1247A17F-4D16-4C3F-9002-448752CA8029')).toBe(true);
    expect(sameLogSourceId(full, '00000000-0000-4000-8000-000000000000')).toBe(false);
  });
});

describe('configPath', () => {
  it('puts pool and logpoint in front and URL-encodes every segment', () => {
    // Act
    const path = configPath(location, 'LogSources', 'odd id?#');

    // Assess
    expect(path).toBe(`/configapi/${POOL}/${LOGPOINT}/LogSources/odd%20id%3F%23`);
  });
});

describe('parseOrderReference', () => {
  it.each([
    ['bare (real servers)', `monitorapi/${POOL}/${LOGPOINT}/orders/${REQUEST_ID}`],
    ['leading slash (docs)', `/monitorapi/${POOL}/${LOGPOINT}/orders/${REQUEST_ID}`],
    ['v1 segment', `/monitorapi/v1/${POOL}/${LOGPOINT}/orders/${REQUEST_ID}`],
    ['bare v1 segment', `monitorapi/v1/${POOL}/${LOGPOINT}/orders/${REQUEST_ID}`],
    ['full URL', `https://director.example.com/monitorapi/${POOL}/${LOGPOINT}/orders/${REQUEST_ID}`],
    ['trailing slash and whitespace', ` monitorapi/${POOL}/${LOGPOINT}/orders/${REQUEST_ID}/ `],
    ['bare request id', REQUEST_ID],
  ])('reads the %s form as the documented order endpoint', (_label, input) => {
    // Act
    const reference = parseOrderReference(input, location);

    // Assess
    expect(reference).toEqual({ requestId: REQUEST_ID, orderPath: canonical });
  });

  it('keeps the pool and logpoint the order path names', () => {
    // Act
    const reference = parseOrderReference(`monitorapi/${'c'.repeat(32)}/${'d'.repeat(32)}/orders/${REQUEST_ID}`, location);

    // Assess
    expect(reference?.orderPath).toBe(`/monitorapi/${'c'.repeat(32)}/${'d'.repeat(32)}/orders/${REQUEST_ID}`);
  });

  it.each([
    ['empty', ''],
    ['a dot-segment', `monitorapi/../${LOGPOINT}/orders/${REQUEST_ID}`],
    ['another API', `configapi/${POOL}/${LOGPOINT}/LogSources`],
    ['a query string', `monitorapi/${POOL}/${LOGPOINT}/orders/${REQUEST_ID}?x=1`],
    ['a sentence', 'LogSource created successfully.'],
  ])('returns undefined for %s', (_label, input) => {
    // Act
    const reference = parseOrderReference(input, location);

    // Assess
    expect(reference).toBeUndefined();
  });
});
