import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Sandbox, SandboxOptions } from '../../local/sandbox/environment.js';
import type { LocalRunResult } from '../../local/sandbox/state-machine-runner.js';
import { currentReaderKey, expectFailedWith, expectNoSecretIn, expectRunFreeOfSecrets, secretValuesWritten } from './support.js';

/**
 * No secret value (the reader's secret access key, the Director secretKey or token) may appear in
 * what the workflow prints or hands on: the handlers' structured logs at INFO, the state machine's
 * events, the execution output, the published EventBridge events, the account registry. The handlers' Powertools
 * logger reads its level when first imported, so the sandbox is imported only after the level is
 * set to INFO.
 */

const ACCOUNT = '111122223333';
const input = { accountId: ACCOUNT, trigger: 'no-secret-leaks-test' };

let startSandbox: (options?: SandboxOptions) => Promise<Sandbox>;
let sandbox: Sandbox | undefined;

beforeAll(async () => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
  vi.resetModules();
  ({ startSandbox } = await import('../../local/sandbox/environment.js'));
});

afterEach(async () => {
  vi.restoreAllMocks();
  await sandbox?.stop();
  sandbox = undefined;
});

afterAll(() => {
  vi.unstubAllEnvs();
});

/** Everything written to stdout, stderr or the console while `act` runs (not passed through). */
async function captureOutput<T>(act: () => Promise<T>): Promise<{ value: T; output: string }> {
  const chunks: string[] = [];
  const record = (chunk: unknown): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(record);
  vi.spyOn(process.stderr, 'write').mockImplementation(record);
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation(
      (...args: unknown[]) => void record(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ')),
    );
  }
  try {
    const value = await act();
    return { value, output: chunks.join('\n') };
  } finally {
    vi.restoreAllMocks();
  }
}

async function start(options: SandboxOptions = {}): Promise<Sandbox> {
  sandbox = await startSandbox({ waitMs: 20, ...options });
  return sandbox;
}

async function expectLeakFree(box: Sandbox, runs: LocalRunResult[], output: string, secrets: string[]): Promise<void> {
  expectNoSecretIn(output, secrets, 'the captured stdout/stderr/console output');
  for (const run of runs) expectRunFreeOfSecrets(box, run, secrets);
  expectNoSecretIn(await box.aws.fakes.dynamo.items(box.aws.accountRegistryTable), secrets, 'the account registry');
}

describe('secrets never leak from the onboarding workflow', () => {
  it('keeps the reader key and the Director credentials out of INFO logs, state machine events, the output and the success event', async () => {
    // Prepare
    const box = await start();

    // Act
    const { value: result, output } = await captureOutput(() => box.run(input));

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    const readerKey = currentReaderKey(box, ACCOUNT);
    expect(box.aws.fakes.iam.revealSecretAccessKeyForTest(readerKey.accessKeyId)).toBe(readerKey.secretAccessKey);
    const secrets = secretValuesWritten(box);
    expect(secrets).toEqual(expect.arrayContaining([readerKey.secretAccessKey, box.director.secretKey]));
    expect(
      secrets.some((secret) => secret.startsWith('eyJ')),
      'a Director token was saved to the Director secret',
    ).toBe(true);
    // The logs were really on: every step logged its success with the account id.
    for (const step of ['ValidateInput', 'CheckBucket', 'ProvisionReader', 'VerifyAccess', 'RegisterLogSource', 'CheckOrder', 'FinalizeOnboarding']) {
      expect(output).toContain(`"message":"${step} succeeded"`);
    }
    expect(output).toContain(`"accountId":"${ACCOUNT}"`);
    await expectLeakFree(box, [result], output, secrets);
  });

  it('keeps both the old and the new reader key out of every output when a re-run fails in Director and is compensated', async () => {
    // Prepare
    const box = await start();
    const { value: first, output: firstOutput } = await captureOutput(() => box.run(input));
    expect(first.status).toBe('SUCCEEDED');
    box.director.faults.failOrders(1, { validationErrors: { 'config.Connector.bucket_name': ['Access denied.'] } });

    // Act
    const { value: second, output: secondOutput } = await captureOutput(() => box.run(input));

    // Assess
    expectFailedWith(box, second, 'DIRECTOR_ORDER_FAILED', 1);
    const secrets = secretValuesWritten(box);
    // The first run's key, the re-run's (since deleted) key, the Director secretKey and token.
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    expect(secondOutput).toContain('"message":"CheckOrder failed"');
    expect(secondOutput).toContain('"message":"Compensate succeeded"');
    await expectLeakFree(box, [first, second], `${firstOutput}\n${secondOutput}`, secrets);
  });

  it('redacts the Director secretKey when Director echoes it in an error answer', async () => {
    // Prepare: the token refresh is refused with a message that repeats the submitted secretKey.
    const box = await start();
    box.director.faults.failRoute('POST /refreshToken', {
      status: 400,
      body: { status: 'Error', message: `secretKey ${box.director.secretKey} is not valid for this pool.` },
    });

    // Act
    const { value: result, output } = await captureOutput(() => box.run(input));

    // Assess
    expect(result.status).toBe('FAILED');
    // Director's message did travel into the error; only the secret in it must not.
    expect(result.error?.message).toContain('is not valid for this pool.');
    expect(output).toContain('"message":"RegisterLogSource failed"');
    const secrets = secretValuesWritten(box);
    expect(secrets).toContain(box.director.secretKey);
    await expectLeakFree(box, [result], output, secrets);
  });
});
