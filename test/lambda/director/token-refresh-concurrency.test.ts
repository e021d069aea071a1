import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { startDirectorSimulator } from '../../../local/director-simulator/index.js';
import type { DirectorSimulator, DirectorSimulatorOptions } from '../../../local/director-simulator/index.js';
import { DirectorAuthError, DirectorClient, DirectorUnavailableError, InMemoryDirectorCredentialsStore } from '../../../lambda/director/index.js';
import type { DirectorCredentialsStore } from '../../../lambda/director/credentials.js';
import { DirectorTransport } from '../../../lambda/director/http.js';
import { createSecretsManagerDirectorCredentials } from '../../../lambda/director/secrets-manager-credentials.js';
import { DirectorTokenProvider } from '../../../lambda/director/token-provider.js';
import { useAwsSandbox } from '../../support/aws-sandbox.js';
import { RecordingLogger } from '../../support/recording-logger.js';
import { realSleep, rejectionOf } from './support.js';

/**
 * Token refreshes that overlap: callers in one process (one Lambda instance) and several
 * processes (Lambda functions) sharing the Director secret, against a Director that may rotate
 * the secretKey on every refresh.
 */

const SECRET_ID = 'logpoint/director/api';
const sandbox = useAwsSandbox({ accountId: '999988887777', region: 'eu-west-1' });

let director: DirectorSimulator | undefined;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await director?.stop();
  director = undefined;
});

async function startDirector(options: DirectorSimulatorOptions = {}): Promise<DirectorSimulator> {
  director = await startDirectorSimulator(options);
  return director;
}

/** One "Lambda function": its own client (and token provider) over a store shared with the others. */
function functionClient(sim: DirectorSimulator, store: DirectorCredentialsStore, logger = new RecordingLogger()): DirectorClient {
  const client = new DirectorClient({
    baseUrl: sim.baseUrl,
    poolUuid: sim.poolUuid,
    logpointId: sim.logpointId,
    credentials: store,
    timeoutMs: 2_000,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    logger,
    sleep: () => Promise.resolve(),
  });
  closers.push(() => client.close());
  return client;
}

/** A provider straight on a transport, with instant, recorded re-read waits. */
function directProvider(sim: DirectorSimulator, store: DirectorCredentialsStore, sleeps: number[] = []): DirectorTokenProvider {
  const transport = new DirectorTransport({ baseUrl: sim.baseUrl, timeoutMs: 2_000, retry: { maxAttempts: 1 }, sleep: () => Promise.resolve() });
  closers.push(() => transport.close());
  return new DirectorTokenProvider({
    store,
    transport,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
}

const refreshStatuses = (sim: DirectorSimulator): number[] => sim.requests.filter((r) => r.path === '/refreshToken').map((r) => r.status);

/** A store whose writes land `ms` late, like a function whose PutSecretValue is slow. */
function slowSaving(store: DirectorCredentialsStore, ms: number): DirectorCredentialsStore {
  return {
    load: () => store.load(),
    save: async (credentials, refreshedWith) => {
      await realSleep(ms);
      return store.save(credentials, refreshedWith);
    },
  };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await realSleep(2);
}

describe('token refresh within one process', () => {
  it('gives ten concurrent getToken callers the token of one single refresh request', async () => {
    // Prepare
    const sim = await startDirector();
    sim.faults.setLatency(50, 'POST /refreshToken');
    const store = new InMemoryDirectorCredentialsStore({ secretKey: sim.secretKey });
    const provider = directProvider(sim, store);

    // Act
    const tokens = await Promise.all(Array.from({ length: 10 }, () => provider.getToken()));

    // Assess
    expect(refreshStatuses(sim)).toEqual([200]);
    expect(new Set(tokens).size).toBe(1);
    expect(store.saves.map((saved) => saved.token)).toEqual([tokens[0]]);
  });

  it('does not keep a failed refresh: its sharers all fail, and the next call refreshes again', async () => {
    // Prepare
    const sim = await startDirector();
    sim.faults.setLatency(50, 'POST /refreshToken');
    sim.faults.failRoute('POST /refreshToken', { status: 500 });
    const provider = directProvider(sim, new InMemoryDirectorCredentialsStore({ secretKey: sim.secretKey }));

    // Act
    const failures = await Promise.all([1, 2, 3].map(() => rejectionOf(provider.getToken())));
    const token = await provider.getToken();

    // Assess
    for (const failure of failures) expect(failure).toBeInstanceOf(DirectorUnavailableError);
    expect(new Set(failures).size).toBe(1);
    expect(token).not.toBe('');
    expect(refreshStatuses(sim)).toEqual([500, 200]);
  });

  it('re-reads the store during about a second before failing with DIRECTOR_AUTH_FAILED when the secretKey is refused and stays unchanged', async () => {
    // Prepare
    const sim = await startDirector();
    const store = new InMemoryDirectorCredentialsStore({ secretKey: 'test-only-wrong-secret-key' });
    const sleeps: number[] = [];
    const provider = directProvider(sim, store, sleeps);

    // Act
    const error = await rejectionOf(provider.getToken());

    // Assess
    expect(error).toBeInstanceOf(DirectorAuthError);
    expect(error).toMatchObject({ code: 'DIRECTOR_AUTH_FAILED', status: 401, path: '/refreshToken' });
    expect(JSON.stringify([(error as Error).message, error])).not.toContain('test-only-wrong-secret-key');
    expect(refreshStatuses(sim)).toEqual([401]);
    expect(store.loads).toBe(4);
    expect(sleeps).toEqual([250, 750]);
  });

  it('keeps a refresh refused with 429 after the retries DIRECTOR_UNAVAILABLE, without re-reading the store', async () => {
    // Prepare
    const sim = await startDirector();
    sim.faults.throttle(5, { retryAfter: 0, route: 'POST /refreshToken' });
    const store = new InMemoryDirectorCredentialsStore({ secretKey: sim.secretKey });
    const provider = directProvider(sim, store);

    // Act
    const error = await rejectionOf(provider.getToken());

    // Assess
    expect(error).toBeInstanceOf(DirectorUnavailableError);
    expect(store.loads).toBe(1);
  });

  it('keeps the newer credentials someone stored during its refresh and still uses the token Director issued to it', async () => {
    // Prepare: an operator puts a new key into the secret while this function's refresh is under way.
    const sim = await startDirector();
    const shared = new InMemoryDirectorCredentialsStore({ secretKey: sim.secretKey });
    const initialKey = sim.secretKey;
    const racing: DirectorCredentialsStore = {
      load: () => shared.load(),
      save: async (credentials, refreshedWith) => {
        await shared.save({ secretKey: 'operator-put-this-key', token: 'operator-token' }, initialKey);
        return shared.save(credentials, refreshedWith);
      },
    };
    const logger = new RecordingLogger();
    const client = functionClient(sim, racing, logger);

    // Act
    const repos = await client.listRepos();

    // Assess
    expect(repos.length).toBeGreaterThan(0);
    expect(shared.snapshot()).toEqual({ secretKey: 'operator-put-this-key', token: 'operator-token' });
    expect(logger.lines.some((line) => line.startsWith('WARN The stored Director credentials changed during the refresh'))).toBe(true);
    expect(logger.lines.join('\n')).not.toContain(initialKey);
  });
});

describe('token refresh across functions sharing the Director secret, with the secretKey rotated on every refresh', () => {
  it('leaves both functions with a working token round after round, and the secret with the latest secretKey Director issued', async () => {
    // Prepare
    const sim = await startDirector({ rotateSecretKeyOnRefresh: true });
    await sandbox().secretsManager.send(new CreateSecretCommand({ Name: SECRET_ID, SecretString: JSON.stringify({ secretKey: sim.secretKey }) }));
    const secret = () => JSON.parse(sandbox().fakes.secretsManager.revealSecretValueForTest(SECRET_ID) ?? '{}') as { secretKey?: string; token?: string };
    const loggers = [new RecordingLogger(), new RecordingLogger()];
    const [first, second] = loggers.map((logger) => functionClient(sim, createSecretsManagerDirectorCredentials(sandbox().secretsManager, SECRET_ID), logger));
    const issuedKeys: string[] = [sim.secretKey];
    const rounds: number[][] = [];

    // Act: three rounds in which both functions need a new token at the same moment.
    for (let round = 0; round < 3; round += 1) {
      if (round > 0) sim.faults.expireAllTokens();
      const before = sim.requests.length;
      await Promise.all([first?.listRepos(), second?.listRepos()]);
      rounds.push(
        sim.requests
          .slice(before)
          .filter((r) => r.path === '/refreshToken')
          .map((r) => r.status)
          .sort(),
      );
      issuedKeys.push(sim.secretKey);
    }

    // Assess
    expect(rounds).toEqual([
      [200, 401],
      [200, 401],
      [200, 401],
    ]);
    expect(new Set(issuedKeys).size).toBe(4);
    expect(secret().secretKey).toBe(sim.secretKey);
    const logs = loggers.flatMap((logger) => logger.lines).join('\n');
    for (const value of [...issuedKeys, secret().token ?? 'no token stored']) expect(logs).not.toContain(value);
  });

  it('waits for the other function to finish writing the rotated secretKey, then uses the token it stored', async () => {
    // Prepare: the first function's refresh wins; its write to the secret lands 300 ms later.
    const sim = await startDirector({ rotateSecretKeyOnRefresh: true });
    const shared = new InMemoryDirectorCredentialsStore({ secretKey: sim.secretKey });
    const winner = functionClient(sim, slowSaving(shared, 300));
    const loserLogger = new RecordingLogger();
    const loser = functionClient(sim, shared, loserLogger);

    // Act
    const winning = winner.listRepos();
    await until(() => refreshStatuses(sim).includes(200));
    await loser.listRepos();
    await winning;

    // Assess
    expect(refreshStatuses(sim)).toEqual([200, 401]);
    expect(shared.saves).toHaveLength(1);
    expect(shared.snapshot().secretKey).toBe(sim.secretKey);
    const recovered = loserLogger.lines.find((line) => line.includes('using the newer stored credentials'));
    expect(recovered).toMatch(/"secretKeyChanged":true,"attempt":[23]/);
  });

  it('refreshes once with the secretKey another function stored when the token stored with it is no longer usable', async () => {
    // Prepare: issued tokens live 30 s, inside the 60 s margin, so a stored token is never reused.
    const sim = await startDirector({ rotateSecretKeyOnRefresh: true, tokenTtlSeconds: 30 });
    const shared = new InMemoryDirectorCredentialsStore({ secretKey: sim.secretKey });
    const [first, second] = [functionClient(sim, shared), functionClient(sim, shared)];
    await first?.listRepos();
    await second?.listRepos();
    const before = sim.requests.length;

    // Act: the first function still holds the key the second one rotated away.
    await first?.listRepos();

    // Assess
    expect(sim.requests.slice(before).map((r) => `${r.method} ${r.path.replace(/^\/configapi\/\w+\/\w+/, '')} ${r.status}`)).toEqual([
      'POST /refreshToken 401',
      'POST /refreshToken 200',
      'GET /Repos 200',
    ]);
    expect(shared.snapshot().secretKey).toBe(sim.secretKey);
    expect(shared.saves).toHaveLength(3);
  });
});
