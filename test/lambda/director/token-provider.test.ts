import { describe, expect, it } from 'vitest';
import { DirectorAuthError, DirectorBadResponseError, decodeJwtExpiry } from '../../../lambda/director/index.js';
import { harnessPerTest, rejectionOf, type Harness } from './support.js';

const start = harnessPerTest();

function jwtWith(payload: object): string {
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}.c2lnbmF0dXJl`;
}

function trafficOf(h: Harness): string[] {
  return h.director.requests.map((request) => `${request.method} ${request.path.replace(/^\/configapi\/\w+\/\w+/, '')} ${request.status}`);
}

describe('decodeJwtExpiry', () => {
  it('reads exp (seconds) as epoch milliseconds', () => {
    // Prepare
    const token = jwtWith({ sub: 'api', exp: 1_900_000_000 });

    // Act
    const expiry = decodeJwtExpiry(token);

    // Assess
    expect(expiry).toBe(1_900_000_000_000);
  });

  it.each([
    ['an opaque string', 'not-a-jwt'],
    ['a payload that is not base64 JSON', 'aaa.!!!.bbb'],
    ['a JWT without exp', jwtWith({ sub: 'api' })],
    ['a JWT whose exp is not a number', jwtWith({ exp: 'soon' })],
  ])('returns undefined for %s', (_label, token) => {
    // Act
    const expiry = decodeJwtExpiry(token);

    // Assess
    expect(expiry).toBeUndefined();
  });
});

describe('DirectorTokenProvider through the client', () => {
  it('refreshes a missing token first and saves it to the store', async () => {
    // Prepare
    const h = await start();

    // Act
    await h.client.listRepos();

    // Assess
    expect(trafficOf(h)).toEqual(['POST /refreshToken 200', 'GET /Repos 200']);
    expect(h.store.saves).toHaveLength(1);
    expect(h.store.saves[0]?.secretKey).toBe(h.director.secretKey);
    expect(decodeJwtExpiry(h.store.saves[0]?.token ?? '')).toBeGreaterThan(Date.now());
  });

  it('uses a stored valid token without refreshing, and loads the store once', async () => {
    // Prepare
    const h = await start({ credentials: (director) => ({ secretKey: director.secretKey, token: director.issueToken() }) });

    // Act
    await h.client.listRepos();
    await h.client.listDevices();

    // Assess
    expect(trafficOf(h)).toEqual(['GET /Repos 200', 'GET /Devices 200']);
    expect(h.store.saves).toEqual([]);
    expect(h.store.loads).toBe(1);
  });

  it('refreshes a token whose exp is within the skew margin before using it', async () => {
    // Prepare: valid for 30 s at the simulator, but inside the default 60 s margin.
    const h = await start({ credentials: (director) => ({ secretKey: director.secretKey, token: director.issueToken({ ttlSeconds: 30 }) }) });

    // Act
    await h.client.listRepos();

    // Assess
    expect(trafficOf(h)).toEqual(['POST /refreshToken 200', 'GET /Repos 200']);
  });

  it('refreshes a token that expired by the client clock', async () => {
    // Prepare
    const h = await start({
      credentials: (director) => ({ secretKey: director.secretKey, token: director.issueToken() }),
      client: { now: () => Date.now() + 9 * 60 * 60 * 1000 },
    });

    // Act
    await h.client.listRepos();

    // Assess
    expect(trafficOf(h)).toEqual(['POST /refreshToken 200', 'GET /Repos 200']);
  });

  it('uses an undecodable token until Director rejects it', async () => {
    // Prepare
    const h = await start({
      simulator: { token: 'opaque-operator-token-0001' },
      credentials: (director) => ({ secretKey: director.secretKey, token: 'opaque-operator-token-0001' }),
    });

    // Act
    await h.client.listRepos();
    h.director.faults.expireAllTokens();
    await h.client.listRepos();

    // Assess
    expect(trafficOf(h)).toEqual(['GET /Repos 200', 'GET /Repos 401', 'POST /refreshToken 200', 'GET /Repos 200']);
  });

  it('refreshes once after a 401 mid-flight and repeats the call once', async () => {
    // Prepare
    const h = await start({ credentials: (director) => ({ secretKey: director.secretKey, token: director.issueToken() }) });
    await h.client.listRepos();
    h.director.faults.expireAllTokens();

    // Act
    const repos = await h.client.listRepos();

    // Assess
    expect(repos.length).toBeGreaterThan(0);
    expect(trafficOf(h)).toEqual(['GET /Repos 200', 'GET /Repos 401', 'POST /refreshToken 200', 'GET /Repos 200']);
    expect(h.store.saves).toHaveLength(1);
  });

  it('fails with DIRECTOR_AUTH_FAILED when the refreshed token is rejected too', async () => {
    // Prepare
    const h = await start({ credentials: (director) => ({ secretKey: director.secretKey, token: director.issueToken() }) });
    h.director.faults.failRoute('GET /Repos', { status: 401, count: 3, body: { status: 'Error', message: 'Token has expired.' } });

    // Act
    const error = await rejectionOf(h.client.listRepos());

    // Assess
    expect(error).toBeInstanceOf(DirectorAuthError);
    expect(error).toMatchObject({ code: 'DIRECTOR_AUTH_FAILED', status: 401 });
    expect(trafficOf(h)).toEqual(['GET /Repos 401', 'POST /refreshToken 200', 'GET /Repos 401']);
  });

  it('saves a rotated secretKey with the new token', async () => {
    // Prepare
    const h = await start({ simulator: { rotateSecretKeyOnRefresh: true } });
    const initialKey = h.director.secretKey;

    // Act
    await h.client.listRepos();

    // Assess
    expect(h.director.secretKey).not.toBe(initialKey);
    expect(h.store.snapshot().secretKey).toBe(h.director.secretKey);
    expect(h.logger.lines.some((line) => line.includes('"secretKeyRotated":true'))).toBe(true);
  });

  it('uses the rotated secretKey for the next refresh', async () => {
    // Prepare
    const h = await start({ simulator: { rotateSecretKeyOnRefresh: true } });
    await h.client.listRepos();
    h.director.faults.expireAllTokens();

    // Act
    await h.client.listRepos();

    // Assess
    expect(trafficOf(h)).toEqual(['POST /refreshToken 200', 'GET /Repos 200', 'GET /Repos 401', 'POST /refreshToken 200', 'GET /Repos 200']);
    expect(h.store.snapshot().secretKey).toBe(h.director.secretKey);
  });

  it('shares one refresh among concurrent calls that find no token', async () => {
    // Prepare
    const h = await start();

    // Act
    await Promise.all([h.client.listRepos(), h.client.listDevices(), h.client.listCharsets(), h.client.listEnrichmentPolicies()]);

    // Assess
    expect(trafficOf(h).filter((line) => line.startsWith('POST /refreshToken'))).toHaveLength(1);
    expect(h.store.loads).toBe(1);
  });

  it('shares one refresh among concurrent calls rejected with 401', async () => {
    // Prepare
    const h = await start({ credentials: (director) => ({ secretKey: director.secretKey, token: director.issueToken() }) });
    h.director.faults.expireAllTokens();

    // Act
    await Promise.all([h.client.listRepos(), h.client.listDevices(), h.client.listCharsets()]);

    // Assess
    expect(trafficOf(h).filter((line) => line.startsWith('POST /refreshToken'))).toHaveLength(1);
    expect(h.store.saves).toHaveLength(1);
  });

  it('fails with DIRECTOR_AUTH_FAILED when Director refuses the stored secretKey', async () => {
    // Prepare
    const h = await start({ credentials: () => ({ secretKey: 'test-only-wrong-secret-key' }) });

    // Act
    const error = await rejectionOf(h.client.listRepos());

    // Assess
    expect(error).toBeInstanceOf(DirectorAuthError);
    expect(error).toMatchObject({ status: 401, path: '/refreshToken' });
    expect(h.store.saves).toEqual([]);
  });

  it('accepts a refresh answer with the token at top level and keeps the secretKey', async () => {
    // Prepare
    const h = await start();
    const initialKey = h.director.secretKey;
    h.director.faults.failRoute('POST /refreshToken', { status: 200, body: { status: 'success', token: h.director.issueToken(), extra: 1 } });

    // Act
    await h.client.listRepos();

    // Assess
    expect(trafficOf(h)).toEqual(['POST /refreshToken 200', 'GET /Repos 200']);
    expect(h.store.snapshot().secretKey).toBe(initialKey);
  });

  it('raises DIRECTOR_BAD_RESPONSE when the refresh answer carries no token', async () => {
    // Prepare
    const h = await start();
    h.director.faults.failRoute('POST /refreshToken', { status: 200, body: { status: 'Success', tokenDetails: {} } });

    // Act
    const error = await rejectionOf(h.client.listRepos());

    // Assess
    expect(error).toBeInstanceOf(DirectorBadResponseError);
  });

  it('raises SECRET_INVALID when the store holds no secretKey', async () => {
    // Prepare
    const h = await start({ credentials: () => ({ secretKey: '' }) });

    // Act
    const error = await rejectionOf(h.client.listRepos());

    // Assess
    expect(error).toMatchObject({ code: 'SECRET_INVALID' });
    expect(h.director.requests).toEqual([]);
  });
});
