import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DirectorUnavailableError } from '../../../lambda/director/index.js';
import { rejectionOf, sampleLogSourceBody, startHarness, type Harness } from './support.js';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'tls');
const read = (name: string): string => readFileSync(join(fixtures, name), 'utf8');
const serverTls = { key: read('test-only-director.key.pem'), cert: read('test-only-director.cert.pem') };
const privateCa = read('test-only-ca.cert.pem');

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('DirectorClient with a private-CA Director over HTTPS', () => {
  it('trusts the Director when given the CA bundle and completes a full create round trip', async () => {
    // Prepare
    harness = await startHarness({ simulator: { tls: serverTls }, client: { caBundle: privateCa } });
    const { client, director } = harness;

    // Act
    const order = await client.createLogSource(sampleLogSourceBody('OverTls'));
    const outcome = await client.waitForOrder(order, { deadlineMs: 5_000, initialDelayMs: 30, maxDelayMs: 30 });
    const found = await client.findLogSourceByName('OverTls');

    // Assess
    expect(director.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(outcome.state).toBe('succeeded');
    expect(found?.name).toBe('OverTls');
  });

  it('refuses the same Director without the CA bundle, at once and with the reason', async () => {
    // Prepare
    harness = await startHarness({
      simulator: { tls: serverTls },
      credentials: (director) => ({ secretKey: director.secretKey, token: director.issueToken() }),
    });

    // Act
    const error = await rejectionOf(harness.client.listRepos());

    // Assess
    expect(error).toBeInstanceOf(DirectorUnavailableError);
    expect(error).toMatchObject({ details: { attempts: 1, tlsCode: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' } });
    expect((error as Error).message).toContain('caBundle');
    expect(harness.director.requests).toEqual([]);
    expect(harness.sleeps).toEqual([]);
  });
});
