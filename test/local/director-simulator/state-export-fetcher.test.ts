import { describe, expect, it } from 'vitest';
import { FETCH_STATUS_OK, startDirectorSimulator } from '../../../local/director-simulator/index.js';
import { call, configPath } from './director-http.js';
import { ACCOUNT, LONG_AGO, ORDER_DELAY_MS, useFetchFixture } from './fetcher-fixture.js';

/** What the simulated fetcher did before an export is still there after restoreFrom. */

const fixture = useFetchFixture();

describe('Director simulator exportState / restoreFrom with the fetcher', () => {
  it("keeps last_log_received, the fetch read-back and the fetcher's cursor: the restored fetcher reads nothing twice", async () => {
    // Prepare: a source whose fetcher read the trail
    const f = fixture();
    const bucket = await f.trailBucket();
    const logPrefix = bucket.logPrefixes[ACCOUNT] ?? '';
    const credentials = await f.readerKey(f.productReaderPolicy(bucket.name, logPrefix));
    const fetcher = { strategy: 'prefix-only' as const, scopePrefixOf: () => logPrefix };
    const exporter = await f.director(fetcher);
    const id = await f.createSource(exporter, { bucket: bucket.name, credentials, filterDate: LONG_AGO });
    const [first] = await exporter.fetcher!.runOnce();
    const readBefore = f.readBack(exporter, id);

    // Act: restore in a new simulator with its own fetcher, then let it run a round
    const restored = await startDirectorSimulator({
      orderDelayMs: ORDER_DELAY_MS,
      clock: f.clock.now,
      fetcher: { ...fetcher, s3ClientFor: (keys, region) => f.aws.s3ForCredentials(keys, { region }) },
      restoreFrom: JSON.parse(JSON.stringify(exporter.exportState())),
    });
    try {
      const [listed] = (await call(restored, 'GET', configPath(restored, 'LogSources'))).body;
      f.clock.advance(60_000);
      const [afterRestore] = await restored.fetcher!.runOnce();

      // Assess
      expect(first?.objectsRead).toHaveLength(3);
      expect(readBefore.last_log_received).toEqual(expect.any(String));
      expect(listed).toEqual(readBefore);
      expect(listed.config.Connector.fetch_status).toBe(FETCH_STATUS_OK);
      expect(afterRestore).toMatchObject({ logSourceId: id, fetchStatus: FETCH_STATUS_OK, objectsRead: [], lastLogReceived: readBefore.last_log_received });
    } finally {
      await restored.stop();
    }
  });
});
