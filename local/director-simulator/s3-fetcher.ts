import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { objectOrEmpty } from './json.js';
import { FetchRefusal, errorCodeOf, listCandidates } from './s3-listing.js';
import type { ListedObject } from './s3-listing.js';
import type { FetchCursor, StoredLogSource } from './state.js';
import type { Clock, FetchRoundResult, FetchStrategy, JsonObject, S3FetcherOptions, SimulatedS3Fetcher } from './types.js';

/**
 * A simulated Logpoint S3Fetcher: for every active log source (its create/edit order completed) it
 * reads the source's bucket with the source's own Connector key, region and endpoint, and reports
 * in the read-back what Director's API would show (director-api.md "Read shape"):
 *
 * - `config.Connector.fetch_status`: {@link FETCH_STATUS_OK} after a round that listed and read
 *   all it wanted (even nothing), otherwise {@link FETCH_STATUS_ERROR_PREFIX} followed by
 *   `<S3 error code> listing s3://<bucket>/<prefix>` (ListObjectsV2 refused) or
 *   `<S3 error code> reading s3://<bucket>/<key>` (GetObject refused), or by a configuration
 *   problem (`Connector lacks bucket_name`, `no scope prefix for prefix-only listing`, …).
 * - `config.Connector.last_fetch_attempt`: when the last attempt started (simulator clock, ISO).
 * - `last_log_received`: the newest LastModified among the objects read; set or advanced only by a
 *   round that read something.
 *
 * What counts as new: an object whose LastModified is at or after `Connector.filter_date` and
 * after the source's cursor. LastModified, not the time stamp in a CloudTrail key name, because
 * it is what every S3 object has and what a generic fetcher can compare; S3 gives it in whole
 * seconds, so filter_date is compared at that precision (an object from the same second counts).
 * The cursor is the newest LastModified read plus the keys read in that second, so objects that
 * arrive later in the same second are still read once, and nothing is read twice. Objects are read
 * oldest first and the cursor moves after each one: a refused GetObject leaves that object and the
 * newer ones for the next round. A refused listing reads nothing. The cursor belongs to the stored
 * source: an edit keeps it (a key rotation does not re-read the bucket) unless it changes the
 * bucket, reset() or a delete drops it, and exportState() keeps it (state-export.ts).
 *
 * Sources of another type than `S3Fetcher` are left alone. Rounds never overlap and never throw. The fetcher's S3 calls go through `s3ClientFor`, never
 * through the Director HTTP server, so they are not in `requests` or `operations`.
 */

export const FETCH_STATUS_OK = 'ok';
/** Every failed fetch_status starts with this; the rest names the refused operation and where. */
export const FETCH_STATUS_ERROR_PREFIX = 'error: ';

/** What the fetcher needs from the simulator; read anew each round, since reset() swaps the state. */
export interface FetcherHost {
  /** Completes due orders, so a source whose order is due counts as active. */
  settle(): void;
  activeSources(): StoredLogSource[];
  /** False once the source was deleted, or reset() replaced the state, while its fetch ran. */
  isCurrent(stored: StoredLogSource): boolean;
  idOf(stored: StoredLogSource): string;
  /** The read shape handed to `scopePrefixOf`. */
  readShapeOf(stored: StoredLogSource): JsonObject;
  clock: Clock;
  log(line: string): void;
}

interface ConnectorSettings {
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  region: string;
  endpoint: string | undefined;
  filterDateMs: number;
}

const REQUIRED_CONNECTOR_FIELDS = ['access_key', 'secret_key', 'bucket_name', 'region_name', 'filter_date'] as const;

class FetchConfigurationError extends Error {}

function connectorSettings(stored: StoredLogSource): ConnectorSettings {
  const connector = objectOrEmpty(objectOrEmpty(stored.data.config).Connector);
  const text = (field: string): string | undefined => {
    const value = connector[field];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const missing = REQUIRED_CONNECTOR_FIELDS.filter((field) => text(field) === undefined);
  if (missing.length > 0) throw new FetchConfigurationError(`Connector lacks ${missing.join(', ')}`);
  const filterDateMs = Date.parse(text('filter_date') ?? '');
  if (Number.isNaN(filterDateMs)) throw new FetchConfigurationError('Connector.filter_date is not an ISO-8601 instant');
  return {
    accessKeyId: text('access_key') ?? '',
    secretAccessKey: text('secret_key') ?? '',
    bucket: text('bucket_name') ?? '',
    region: text('region_name') ?? '',
    endpoint: text('endpoint_url'),
    filterDateMs,
  };
}

const wholeSecond = (ms: number): number => Math.floor(ms / 1000) * 1000;

function isNew(object: ListedObject, cursor: FetchCursor, filterDateMs: number): boolean {
  const at = object.lastModified.getTime();
  if (at < wholeSecond(filterDateMs)) return false;
  return at > cursor.newestMs || (at === cursor.newestMs && !cursor.keysAtNewest.has(object.key));
}

function advance(cursor: FetchCursor, object: ListedObject): void {
  const at = object.lastModified.getTime();
  if (at > cursor.newestMs) {
    cursor.newestMs = at;
    cursor.keysAtNewest = new Set([object.key]);
  } else {
    cursor.keysAtNewest.add(object.key);
  }
}

export class S3FetcherSimulation implements SimulatedS3Fetcher {
  readonly strategy: FetchStrategy;
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly options: S3FetcherOptions,
    private readonly host: FetcherHost,
  ) {
    this.strategy = options.strategy;
  }

  runOnce(): Promise<FetchRoundResult[]> {
    const round = this.queue.then(() => (this.stopped ? [] : this.round()));
    this.queue = round.catch(() => undefined);
    return round;
  }

  /** Automatic rounds every `intervalMs` (counted from the end of the previous round), until stop(). */
  startAutomaticRounds(): void {
    const { intervalMs } = this.options;
    if (intervalMs === undefined || this.stopped) return;
    const next = (): void => {
      this.timer = setTimeout(() => {
        this.runOnce().then(next, next);
      }, intervalMs);
      // The fetcher must never keep a test or CLI process alive on its own.
      this.timer.unref();
    };
    next();
  }

  /** No round starts after this; resolves when the one running (if any) has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.queue;
  }

  private async round(): Promise<FetchRoundResult[]> {
    const results: FetchRoundResult[] = [];
    try {
      this.host.settle();
      for (const stored of this.host.activeSources()) {
        if (stored.data.type !== 'S3Fetcher') continue;
        results.push(await this.fetchSource(stored));
      }
    } catch (error) {
      // A round must never take the simulator down; the next round starts afresh.
      this.host.log(`fetcher: round failed: ${errorCodeOf(error)}`);
    }
    return results;
  }

  private async fetchSource(stored: StoredLogSource): Promise<FetchRoundResult> {
    const attemptedAt = new Date(this.host.clock()).toISOString();
    const objectsRead: string[] = [];
    // Read oldest first, so the last object read is the newest.
    let newestRead: Date | undefined;
    let fetchStatus = FETCH_STATUS_OK;
    try {
      const settings = connectorSettings(stored);
      const cursor = this.cursorFor(stored, settings.bucket);
      const client = this.options.s3ClientFor(
        { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
        settings.region,
        settings.endpoint,
      );
      const listed = await listCandidates(client, settings.bucket, this.strategy, await this.scopePrefixOf(stored));
      const fresh = listed
        .filter((object) => isNew(object, cursor, settings.filterDateMs))
        .sort((a, b) => a.lastModified.getTime() - b.lastModified.getTime() || a.key.localeCompare(b.key));
      for (const object of fresh) {
        await readObject(client, settings.bucket, object.key);
        advance(cursor, object);
        objectsRead.push(object.key);
        newestRead = object.lastModified;
      }
    } catch (error) {
      fetchStatus = `${FETCH_STATUS_ERROR_PREFIX}${describeFailure(error)}`;
    }
    this.report(stored, { fetchStatus, lastFetchAttempt: attemptedAt }, objectsRead.length, newestRead);
    const name = typeof stored.data.name === 'string' ? stored.data.name : '';
    return { logSourceId: this.host.idOf(stored), name, fetchStatus, objectsRead, lastLogReceived: stored.lastLogReceived };
  }

  private async scopePrefixOf(stored: StoredLogSource): Promise<string> {
    if (this.strategy !== 'prefix-only') return '';
    const prefix = await this.options.scopePrefixOf?.(this.host.readShapeOf(stored));
    if (prefix === undefined) throw new FetchConfigurationError('no scope prefix for prefix-only listing');
    return prefix;
  }

  /** The cursor lives on the stored source, so a delete or reset() forgets it and an export keeps it. */
  private cursorFor(stored: StoredLogSource, bucket: string): FetchCursor {
    const known = stored.fetchCursor;
    if (known?.bucket === bucket) return known;
    // A new source, or an edit that points it at another bucket: nothing of it has been read yet.
    const fresh: FetchCursor = { bucket, newestMs: -Infinity, keysAtNewest: new Set() };
    stored.fetchCursor = fresh;
    return fresh;
  }

  /** The read-back changes all at once, at the end of the source's fetch, as one Director update would. */
  private report(stored: StoredLogSource, readBack: NonNullable<StoredLogSource['fetchReadBack']>, objectsRead: number, newestRead: Date | undefined): void {
    if (!this.host.isCurrent(stored)) return;
    if (newestRead !== undefined) stored.lastLogReceived = newestOf(stored.lastLogReceived, newestRead);
    // One line per change or per read, not per round: automatic rounds may come every few ms.
    if (stored.fetchReadBack?.fetchStatus !== readBack.fetchStatus || objectsRead > 0) {
      this.host.log(`fetcher: ${this.host.idOf(stored)} ${readBack.fetchStatus} (${objectsRead} objects read)`);
    }
    stored.fetchReadBack = readBack;
  }
}

/** Reads the whole body, as a fetcher that parses the file must; the content itself is not kept. */
async function readObject(client: S3Client, bucket: string, key: string): Promise<void> {
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    await object.Body?.transformToByteArray();
  } catch (error) {
    throw new FetchRefusal(errorCodeOf(error), 'reading', `s3://${bucket}/${key}`);
  }
}

function newestOf(current: string | null, candidate: Date): string {
  if (current !== null && Date.parse(current) >= candidate.getTime()) return current;
  return candidate.toISOString();
}

/** The part of fetch_status after the error prefix. Never an S3 error message: only codes and names. */
function describeFailure(error: unknown): string {
  if (error instanceof FetchRefusal || error instanceof FetchConfigurationError) return error.message;
  return `${errorCodeOf(error)} before any S3 call`;
}
