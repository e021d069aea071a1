import { afterEach, describe, expect, it } from 'vitest';
import { DirectorError, type DirectorClient } from '../../../lambda/director/index.js';
import { rejectionOf, SAMPLE_SECRET_KEY_VALUE, sampleLogSourceBody, startHarness, type Harness } from './support.js';

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Everything an error exposes: message, toJSON (what the workflow records), stack and causes. */
function exposedText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    parts.push(current.message, current.stack ?? '');
    if (current instanceof DirectorError) parts.push(JSON.stringify(current.toJSON()));
    current = current.cause;
  }
  return parts.join('\n');
}

describe('Director client secrecy', () => {
  it('never exposes the token, the secretKey or a secret_key in errors, logs or returned records', async () => {
    // Prepare: a Director that echoes every secret it can in every kind of failure.
    harness = await startHarness({
      simulator: { rotateSecretKeyOnRefresh: true, orderDelayMs: 5 },
      credentials: (director) => ({ secretKey: director.secretKey, token: director.issueToken() }),
    });
    const { client, director, store, logger } = harness;
    const initialSecretKey = director.secretKey;
    const initialToken = store.snapshot().token ?? '';
    const echo = (): string => `secret_key ${SAMPLE_SECRET_KEY_VALUE} secretKey ${director.secretKey} ${initialSecretKey} token ${initialToken}`;
    const errors: unknown[] = [];
    const records: unknown[] = [];
    const attempt = async (run: (c: DirectorClient) => Promise<unknown>): Promise<void> => {
      errors.push(await rejectionOf(run(client)));
    };

    // Act
    director.faults.failRoute('POST /LogSources', { status: 400, body: { status: 'Error', message: echo() } });
    await attempt((c) => c.createLogSource(sampleLogSourceBody()));
    director.faults.failRoute('GET /Repos', { status: 403, body: { status: 'Error', message: echo() } });
    await attempt((c) => c.listRepos());
    director.faults.failRoute('GET /LogSources/*', { status: 404, body: echo() });
    await attempt((c) => c.getLogSource('00000000-0000-4000-8000-000000000000'));
    director.faults.failRoute('GET /Devices', { status: 503, count: 3, body: { status: 'Error', detail: { text: echo() } } });
    await attempt((c) => c.listDevices());
    director.faults.failRoute('GET /Devices', { status: 500, body: { error: echo() } });
    await attempt((c) => c.listDevices());
    director.faults.throttle(1, { retryAfter: 3600, route: 'GET /Charsets' });
    await attempt((c) => c.listCharsets());
    director.faults.failRoute('GET /Repos', { status: 401, count: 2, body: { status: 'Error', message: echo() } });
    await attempt((c) => c.listRepos());
    director.faults.failRoute('POST /refreshToken', { status: 200, body: { status: 'Error', message: echo() } });
    director.faults.expireAllTokens();
    await attempt((c) => c.listRepos());
    director.faults.failRoute('POST /refreshToken', { status: 401, body: { status: 'Error', message: echo() } });
    await attempt((c) => c.listRepos());
    director.faults.failOrders(1, { message: echo(), validationErrors: { secret_key: [`${SAMPLE_SECRET_KEY_VALUE} is invalid`] }, errors: [echo()] });
    await attempt(async (c) => c.waitForOrder(await c.createLogSource(sampleLogSourceBody('Echoed')), { deadlineMs: 3_000, initialDelayMs: 5 }));
    director.faults.failRoute('GET /orders/*', {
      status: 200,
      body: {
        request: { data: { config: { Connector: { secret_key: 'order-echo-secret' } } } },
        response: { success: false, errors: ['order-echo-secret wrong'] },
      },
    });
    errors.push(await client.getOrder('9b2f0d7e-1c1e-4d55-9a43-6b0c1e2f3a4b'));
    director.faults.failRoute('GET /LogSources/*', {
      status: 200,
      body: { id: 'LogSources/1247a17f-4d16-4c3f-9002-448752ca8029', name: 'Raw', config: { Connector: { secret_key: SAMPLE_SECRET_KEY_VALUE } } },
    });
    records.push(await client.getLogSource('1247a17f-4d16-4c3f-9002-448752ca8029'));

    // Assess
    const secrets = [
      SAMPLE_SECRET_KEY_VALUE,
      'order-echo-secret',
      initialSecretKey,
      initialToken,
      director.secretKey,
      ...store.saves.flatMap((saved) => [saved.secretKey, saved.token]),
    ];
    expect(errors.filter((error) => error instanceof DirectorError)).toHaveLength(10);
    expect(store.saves.length).toBeGreaterThan(0);
    const exposed = [
      ...errors.map(exposedText),
      ...errors.map((value) => JSON.stringify(value)),
      ...records.map((record) => JSON.stringify(record)),
      ...logger.lines,
    ];
    for (const text of exposed) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
    expect(exposed.join('\n')).toContain('[REDACTED]');
  });
});
