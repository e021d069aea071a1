import { describe, expect, it } from 'vitest';
import { startDirectorSimulator } from '../../../local/director-simulator/index.js';
import { call, configPath, manualClock, useDirectorSimulator } from './director-http.js';

const TTL_SECONDS = 60;

function jwtPayload(token: string): Record<string, unknown> {
  const [, payload = ''] = token.split('.');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('Director simulator tokens and authorization', () => {
  const clock = manualClock();
  const director = useDirectorSimulator({ clock: clock.now, tokenTtlSeconds: TTL_SECONDS, secretKey: 'refresh-key-1', token: 'operator-token' });

  const charsets = (): string => configPath(director(), 'Charsets');

  it('refreshes a JWT-shaped token with the right secretKey and accepts it as a bearer token', async () => {
    const refreshed = await call(director(), 'POST', '/refreshToken', { token: null, body: { secretKey: 'refresh-key-1' } });
    const token = refreshed.body.tokenDetails.token as string;

    const answer = await call(director(), 'GET', charsets(), { token });

    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toEqual({ status: 'Success', tokenDetails: { secretKey: 'refresh-key-1', token: expect.any(String) } });
    expect(token.split('.')).toHaveLength(3);
    expect(jwtPayload(token).exp).toBe(Math.floor(clock.now() / 1000) + TTL_SECONDS);
    expect(answer.status).toBe(200);
  });

  it('answers 401 to a wrong secretKey and 400 to a refresh without one', async () => {
    const wrong = await call(director(), 'POST', '/refreshToken', { token: null, body: { secretKey: 'guess' } });
    const missing = await call(director(), 'POST', '/refreshToken', { token: null, body: {} });

    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ status: 'Error', message: expect.any(String) });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toBe('secretKey must be present in request. ');
  });

  it('answers 401 once a token passes its exp', async () => {
    const token = director().issueToken();
    const before = await call(director(), 'GET', charsets(), { token });

    clock.advance(TTL_SECONDS * 1000);
    const after = await call(director(), 'GET', charsets(), { token });

    expect(before.status).toBe(200);
    expect(after.status).toBe(401);
    expect(after.body).toEqual({ status: 'Error', message: 'Token has expired.' });
  });

  it('answers 401 with an Error body to a call without Authorization header', async () => {
    const answer = await call(director(), 'GET', charsets(), { token: null });

    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ status: 'Error', message: 'Authentication credentials were not provided.' });
  });

  it.each([
    ['a token that is not a JWT', 'not-a-token'],
    ['a JWT signed by someone else', 'eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjk5OTk5OTk5OTksImdlbiI6MCwicmlnaHRzIjoiZnVsbCJ9.c2lnbmF0dXJl'],
  ])('answers 401 with an Error body to %s, without echoing the token', async (_case, token) => {
    const answer = await call(director(), 'GET', charsets(), { token });

    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ status: 'Error', message: expect.any(String) });
    expect(answer.body.message).not.toContain(token);
  });

  it('answers 401 on every protected route, including orders and unknown pools', async () => {
    const paths = [
      configPath(director(), 'LogSources'),
      `/monitorapi/${director().poolUuid}/${director().logpointId}/orders/3f2b8c1e-0d4a-4e5b-9c6d-7e8f9a0b1c2d`,
      `/configapi/${'0'.repeat(32)}/${director().logpointId}/LogSources`,
    ];

    const statuses = await Promise.all(paths.map(async (path) => (await call(director(), 'GET', path, { token: null })).status));

    expect(statuses).toEqual([401, 401, 401]);
  });

  it('accepts the extra token option until expireAllTokens', async () => {
    const before = await call(director(), 'GET', charsets(), { token: 'operator-token' });
    clock.advance(10 * TTL_SECONDS * 1000);
    const muchLater = await call(director(), 'GET', charsets(), { token: 'operator-token' });

    director().faults.expireAllTokens();
    const afterExpiry = await call(director(), 'GET', charsets(), { token: 'operator-token' });

    expect([before.status, muchLater.status, afterExpiry.status]).toEqual([200, 200, 401]);
  });

  it('expireAllTokens invalidates issued tokens but a refresh still works', async () => {
    const token = director().issueToken();

    director().faults.expireAllTokens();
    const expired = await call(director(), 'GET', charsets(), { token });
    const refreshed = await call(director(), 'POST', '/refreshToken', { token: null, body: { secretKey: director().secretKey } });
    const fresh = await call(director(), 'GET', charsets(), { token: refreshed.body.tokenDetails.token });

    expect(expired.status).toBe(401);
    expect(fresh.status).toBe(200);
  });

  it('answers 403 to a valid token without rights', async () => {
    const token = director().issueToken({ withoutRights: true });

    const answer = await call(director(), 'GET', charsets(), { token });

    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({ status: 'Error', message: expect.any(String) });
  });

  it('answers 403 to the next N authenticated calls with forbidTokens(N)', async () => {
    director().faults.forbidTokens(2);

    const statuses = [];
    for (let index = 0; index < 3; index += 1) statuses.push((await call(director(), 'GET', charsets())).status);

    expect(statuses).toEqual([403, 403, 200]);
  });

  it('rotates the secretKey on refresh with rotateSecretKeyOnRefresh; the old key stops working', async () => {
    const rotating = await startDirectorSimulator({ secretKey: 'first-key', rotateSecretKeyOnRefresh: true });
    try {
      const first = await call(rotating, 'POST', '/refreshToken', { token: null, body: { secretKey: 'first-key' } });
      const newKey = first.body.tokenDetails.secretKey as string;
      const reuse = await call(rotating, 'POST', '/refreshToken', { token: null, body: { secretKey: 'first-key' } });
      const next = await call(rotating, 'POST', '/refreshToken', { token: null, body: { secretKey: newKey } });

      expect(first.status).toBe(200);
      expect(newKey).not.toBe('first-key');
      expect(rotating.secretKey).not.toBe('first-key');
      expect(reuse.status).toBe(401);
      expect(next.status).toBe(200);
    } finally {
      await rotating.stop();
    }
  });

  it('never records a token or secretKey in requests or log lines', async () => {
    const lines: string[] = [];
    const logged = await startDirectorSimulator({ secretKey: 'do-not-log-this-key', logger: (line) => lines.push(line) });
    try {
      const refreshed = await call(logged, 'POST', '/refreshToken', { token: null, body: { secretKey: 'do-not-log-this-key' } });
      const token = refreshed.body.tokenDetails.token as string;
      await call(logged, 'GET', configPath(logged, 'Charsets'), { token });
      await call(logged, 'GET', configPath(logged, 'Charsets'), { token: 'wrong-token-value' });

      const recorded = JSON.stringify(logged.requests) + lines.join('\n');

      expect(lines.length).toBeGreaterThan(0);
      expect(recorded).not.toContain('do-not-log-this-key');
      expect(recorded).not.toContain(token);
      expect(recorded).not.toContain('wrong-token-value');
    } finally {
      await logged.stop();
    }
  });
});
