import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DirectorBadResponseError,
  DirectorForbiddenError,
  DirectorNotFoundError,
  DirectorUnavailableError,
  DirectorValidationError,
  InMemoryDirectorCredentialsStore,
  DirectorClient,
} from '../../../lambda/director/index.js';
import { rejectionOf, sampleLogSourceBody, startHarness, type Harness } from './support.js';

let harness: Harness | undefined;
let plainServer: Server | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
  if (plainServer) {
    const server = plainServer;
    plainServer = undefined;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function start(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  harness = await startHarness(options);
  return harness;
}

function callsTo(h: Harness, suffix: string): number[] {
  return h.director.requests.filter((request) => request.path.endsWith(suffix)).map((request) => request.status);
}

describe('Director transport: status mapping', () => {
  it("maps a synchronous 400 to DIRECTOR_VALIDATION_FAILED with Director's message", async () => {
    // Prepare
    const h = await start();
    const { name: _omitted, ...withoutName } = sampleLogSourceBody();

    // Act
    const error = await rejectionOf(h.client.createLogSource(withoutName as ReturnType<typeof sampleLogSourceBody>));

    // Assess
    expect(error).toBeInstanceOf(DirectorValidationError);
    expect(error).toMatchObject({ code: 'DIRECTOR_VALIDATION_FAILED', status: 400, method: 'POST', directorMessage: 'name must be present in request. ' });
    expect((error as Error).message).toContain(`/configapi/${h.director.poolUuid}/${h.director.logpointId}/LogSources`);
    expect(callsTo(h, '/LogSources')).toEqual([400]);
  });

  it('maps other 4xx answers (409) to DIRECTOR_VALIDATION_FAILED without retrying', async () => {
    // Prepare
    const h = await start();
    h.director.faults.failRoute('GET /Repos', { status: 409, body: { status: 'Error', message: 'Conflict.' } });

    // Act
    const error = await rejectionOf(h.client.listRepos());

    // Assess
    expect(error).toBeInstanceOf(DirectorValidationError);
    expect(callsTo(h, '/Repos')).toEqual([409]);
  });

  it('maps 403 to DIRECTOR_FORBIDDEN and does not retry it', async () => {
    // Prepare
    const h = await start();
    h.director.faults.forbidTokens(1);

    // Act
    const error = await rejectionOf(h.client.listDevices());

    // Assess
    expect(error).toBeInstanceOf(DirectorForbiddenError);
    expect(error).toMatchObject({ code: 'DIRECTOR_FORBIDDEN', status: 403 });
    expect(callsTo(h, '/Devices')).toEqual([403]);
  });

  it('maps 404 of an unknown pool to DIRECTOR_NOT_FOUND', async () => {
    // Prepare
    const h = await start();
    const stranger = new DirectorClient({
      baseUrl: h.director.baseUrl,
      poolUuid: 'f'.repeat(32),
      logpointId: h.director.logpointId,
      credentials: h.store,
    });

    // Act
    const error = await rejectionOf(stranger.listRepos());

    // Assess
    expect(error).toBeInstanceOf(DirectorNotFoundError);
    expect((error as Error).message).toContain(`Pool ${'f'.repeat(32)} not found.`);
  });

  it('maps 500 to DIRECTOR_UNAVAILABLE at once: a server fault, not congestion, is left to the workflow to retry', async () => {
    // Prepare
    const h = await start();
    h.director.faults.failRoute('GET /Devices', { status: 500 });

    // Act
    const error = await rejectionOf(h.client.listDevices());

    // Assess
    expect(error).toBeInstanceOf(DirectorUnavailableError);
    expect(error).toMatchObject({ code: 'DIRECTOR_UNAVAILABLE', status: 500, transient: true });
    expect(callsTo(h, '/Devices')).toEqual([500]);
  });
});

describe('Director transport: retries', () => {
  it.each([502, 503, 504])('retries HTTP %i with full-jitter backoff and then succeeds', async (status) => {
    // Prepare
    const h = await start();
    h.director.faults.failRoute('GET /Repos', { status, count: 2 });

    // Act
    const repos = await h.client.listRepos();

    // Assess
    expect(repos.length).toBeGreaterThan(0);
    expect(callsTo(h, '/Repos')).toEqual([status, status, 200]);
    expect(h.sleeps).toHaveLength(2);
    expect(h.sleeps[0]).toBeLessThan(10);
    expect(h.sleeps[1]).toBeLessThan(20);
  });

  it('gives up with DIRECTOR_UNAVAILABLE after maxAttempts', async () => {
    // Prepare
    const h = await start();
    h.director.faults.failRoute('GET /Repos', { status: 503, count: 5 });

    // Act
    const error = await rejectionOf(h.client.listRepos());

    // Assess
    expect(error).toBeInstanceOf(DirectorUnavailableError);
    expect(error).toMatchObject({ status: 503, details: { attempts: 3 } });
    expect(callsTo(h, '/Repos')).toEqual([503, 503, 503]);
  });

  it('honours Retry-After in seconds on 429', async () => {
    // Prepare
    const h = await start();
    h.director.faults.throttle(1, { retryAfter: 2, route: 'GET /Charsets' });

    // Act
    const charsets = await h.client.listCharsets();

    // Assess
    expect(charsets).toContain('utf_8');
    expect(callsTo(h, '/Charsets')).toEqual([429, 200]);
    expect(h.sleeps).toEqual([2000]);
  });

  it('honours Retry-After given as an HTTP-date on 429', async () => {
    // Prepare: the client's clock stands still on a whole second, so the wait is exact however
    // slowly the machine runs (an HTTP-date has one-second precision).
    const now = Math.floor(Date.now() / 1_000) * 1_000;
    const h = await start({ client: { now: () => now } });
    h.director.faults.throttle(1, { retryAfter: new Date(now + 4_000).toUTCString(), route: 'GET /Charsets' });

    // Act
    await h.client.listCharsets();

    // Assess
    expect(h.sleeps).toEqual([4_000]);
  });

  it('stops at once when Retry-After exceeds what one call may wait', async () => {
    // Prepare
    const h = await start();
    h.director.faults.throttle(1, { retryAfter: 600, route: 'GET /Charsets' });

    // Act
    const error = await rejectionOf(h.client.listCharsets());

    // Assess
    expect(error).toBeInstanceOf(DirectorUnavailableError);
    expect(error).toMatchObject({ status: 429, details: { retryAfterMs: 600_000 } });
    expect(h.sleeps).toEqual([]);
  });

  it('rides out the simulator rate limit by waiting as told', async () => {
    // Prepare: one fake clock drives the simulator's window and the client's sleeps.
    let now = Date.now();
    const clock = (): number => now;
    const h = await start({
      simulator: { clock },
      client: {
        now: clock,
        retry: { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 40, maxRetryAfterMs: 5_000 },
        sleep: (ms) => {
          now += ms;
          return Promise.resolve();
        },
      },
    });
    h.director.faults.rateLimit(2);

    // Act
    const results = await Promise.all([h.client.listRepos(), h.client.listRepos(), h.client.listRepos(), h.client.listRepos()]);

    // Assess
    expect(results).toHaveLength(4);
    expect(callsTo(h, '/Repos').filter((status) => status === 429).length).toBeGreaterThan(0);
    expect(callsTo(h, '/Repos').filter((status) => status === 200)).toHaveLength(4);
  });

  it('retries dropped connections and succeeds', async () => {
    // Prepare
    const h = await start();
    h.director.faults.dropConnections(2, 'GET /Devices');

    // Act
    const devices = await h.client.listDevices();

    // Assess
    expect(devices.length).toBeGreaterThan(0);
    expect(callsTo(h, '/Devices')).toEqual([0, 0, 200]);
  });

  it('reports DIRECTOR_UNAVAILABLE when every attempt loses its connection', async () => {
    // Prepare
    const h = await start();
    h.director.faults.dropConnections(3, 'GET /Devices');

    // Act
    const error = await rejectionOf(h.client.listDevices());

    // Assess
    expect(error).toBeInstanceOf(DirectorUnavailableError);
    expect(error).toMatchObject({ details: { attempts: 3, timedOut: false } });
  });

  it('times out a slow answer and retries it', async () => {
    // Prepare: the first attempt is slow; the fault is lifted before the retry.
    const h = await start({
      client: {
        timeoutMs: 100,
        sleep: (ms) => {
          h.sleeps.push(ms);
          h.director.faults.setLatency(0, 'GET /Repos');
          return Promise.resolve();
        },
      },
    });
    h.director.faults.setLatency(400, 'GET /Repos');

    // Act
    const repos = await h.client.listRepos();

    // Assess
    expect(repos.length).toBeGreaterThan(0);
    expect(h.sleeps).toHaveLength(1);
    expect(h.logger.lines.some((line) => line.includes('"timedOut":true'))).toBe(true);
  });

  it('reports a timeout on every attempt as DIRECTOR_UNAVAILABLE', async () => {
    // Prepare
    const h = await start({ client: { timeoutMs: 80, retry: { maxAttempts: 2 } } });
    h.director.faults.setLatency(400, 'GET /Repos');

    // Act
    const error = await rejectionOf(h.client.listRepos());

    // Assess
    expect(error).toBeInstanceOf(DirectorUnavailableError);
    expect(error).toMatchObject({ details: { attempts: 2, timedOut: true } });
    expect((error as Error).message).toContain('timed out after 80 ms');
  });

  it('retries a refused connection (nothing listening) and then reports DIRECTOR_UNAVAILABLE', async () => {
    // Prepare
    const h = await start();
    const baseUrl = h.director.baseUrl;
    await h.director.stop();
    const client = new DirectorClient({
      baseUrl,
      poolUuid: h.director.poolUuid,
      logpointId: h.director.logpointId,
      credentials: new InMemoryDirectorCredentialsStore({ secretKey: 'test-only-key', token: 'opaque' }),
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    });
    harness = undefined;

    // Act
    const error = await rejectionOf(client.listRepos());

    // Assess
    expect(error).toBeInstanceOf(DirectorUnavailableError);
    expect(error).toMatchObject({ details: { attempts: 2 } });
  });
});

describe('Director transport: bodies that are not JSON', () => {
  async function startPlainServer(status: number, contentType: string, body: string): Promise<string> {
    plainServer = createServer((_request, response) => {
      response.writeHead(status, { 'Content-Type': contentType });
      response.end(body);
    });
    await new Promise<void>((resolve) => plainServer?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(plainServer.address() as AddressInfo).port}`;
  }

  function clientFor(baseUrl: string): DirectorClient {
    return new DirectorClient({
      baseUrl,
      poolUuid: 'a'.repeat(32),
      logpointId: 'b'.repeat(32),
      credentials: new InMemoryDirectorCredentialsStore({ secretKey: 'test-only-key', token: 'opaque-test-token' }),
      retry: { maxAttempts: 1 },
    });
  }

  it('raises DIRECTOR_BAD_RESPONSE for a 200 answer that is HTML', async () => {
    // Prepare
    const client = clientFor(await startPlainServer(200, 'text/html', '<html><body>Login</body></html>'));

    // Act
    const error = await rejectionOf(client.listRepos());

    // Assess
    expect(error).toBeInstanceOf(DirectorBadResponseError);
    expect(error).toMatchObject({ code: 'DIRECTOR_BAD_RESPONSE', status: 200 });
  });

  it('keeps a short excerpt of a non-JSON error body as the Director message', async () => {
    // Prepare
    const client = clientFor(await startPlainServer(502, 'text/html', '<html>\n  <h1>502 Bad Gateway</h1>\n</html>'));

    // Act
    const error = await rejectionOf(client.listRepos());

    // Assess
    expect(error).toBeInstanceOf(DirectorUnavailableError);
    expect(error).toMatchObject({ directorMessage: '<html> <h1>502 Bad Gateway</h1> </html>' });
  });
});
