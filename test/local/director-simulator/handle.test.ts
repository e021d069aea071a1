import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDirectorSimulator } from '../../../local/director-simulator/index.js';
import { call, configPath, createAndComplete, manualClock, seedCreateRequest } from './director-http.js';

describe('Director simulator programmatic handle', () => {
  it('uses the given pool and logpoint, and random 32-hex ones otherwise', async () => {
    const given = await startDirectorSimulator({ poolUuid: 'a'.repeat(32), logpointId: 'b'.repeat(32) });
    const random = await startDirectorSimulator();
    try {
      expect([given.poolUuid, given.logpointId]).toEqual(['a'.repeat(32), 'b'.repeat(32)]);
      expect(random.poolUuid).toMatch(/^[0-9a-f]{32}$/);
      expect(random.logpointId).toMatch(/^[0-9a-f]{32}$/);
      expect(random.baseUrl).toBe(`http://127.0.0.1:${random.port}`);
    } finally {
      await Promise.all([given.stop(), random.stop()]);
    }
  });

  it('records accepted writes as operations and every request with its status, then reset() forgets them', async () => {
    const clock = manualClock();
    const director = await startDirectorSimulator({ orderDelayMs: 10, clock: clock.now });
    try {
      await createAndComplete(director, clock, seedCreateRequest(), 10);
      await call(director, 'POST', configPath(director, 'LogSources'), { body: {} });
      const path = configPath(director, 'LogSources');

      expect(director.operations).toEqual([`POST ${path}`]);
      expect(director.requests).toEqual([
        { method: 'POST', path, status: 200 },
        { method: 'GET', path: expect.stringMatching(/^\/monitorapi\//), status: 200 },
        { method: 'POST', path, status: 400 },
      ]);

      director.reset();

      expect(director.operations).toEqual([]);
      expect(director.requests).toEqual([]);
      expect(director.logSources()).toEqual([]);
    } finally {
      await director.stop();
    }
  });

  it('hands out copies: changing a returned list does not change the simulator', async () => {
    const clock = manualClock();
    const director = await startDirectorSimulator({ orderDelayMs: 10, clock: clock.now });
    try {
      await createAndComplete(director, clock, seedCreateRequest(), 10);

      const [read] = director.logSources();
      if (read !== undefined) read.name = 'changed';
      (director.operations as string[]).length = 0;

      expect(director.logSources()[0]?.name).toBe('CloudTrail');
      expect(director.operations).toHaveLength(1);
    } finally {
      await director.stop();
    }
  });

  it('stops listening after stop()', async () => {
    const director = await startDirectorSimulator();

    await director.stop();

    await expect(fetch(`${director.baseUrl}/refreshToken`, { method: 'POST' })).rejects.toThrow(/fetch failed/);
  });

  it('serves HTTPS with the given key pair', async () => {
    const pem = (name: string): string => readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'tls', name), 'utf8');
    const tls = { key: pem('test-only-director.key.pem'), cert: pem('test-only-director.cert.pem') };
    const ca = pem('test-only-ca.cert.pem');
    const director = await startDirectorSimulator({ tls });
    try {
      const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const outgoing = request(`${director.baseUrl}/refreshToken`, { method: 'POST', ca, headers: { 'Content-Type': 'application/json' } }, (incoming) => {
          let text = '';
          incoming.setEncoding('utf8');
          incoming.on('data', (chunk: string) => (text += chunk));
          incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body: text }));
        });
        outgoing.on('error', reject);
        outgoing.end(JSON.stringify({ secretKey: director.secretKey }));
      });

      expect(director.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(status).toBe(200);
      expect(JSON.parse(body)).toMatchObject({ status: 'Success' });
    } finally {
      await director.stop();
    }
  });

  it('rejects nonsensical options', async () => {
    await expect(startDirectorSimulator({ orderDelayMs: -1 })).rejects.toThrow(/orderDelayMs/);
    await expect(startDirectorSimulator({ tokenTtlSeconds: 0 })).rejects.toThrow(/tokenTtlSeconds/);
  });
});
