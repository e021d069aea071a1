import { afterEach, describe, expect, it } from 'vitest';
import { startDirectorSimulator } from '../../../local/director-simulator/index.js';
import type { DirectorSimulator, DirectorSimulatorOptions, DirectorStateExport } from '../../../local/director-simulator/index.js';
import { call, configPath, createAndComplete, manualClock, orderPathOf, seedCreateRequest, seedEditRequest } from './director-http.js';
import type { AnyJson } from './director-http.js';

/**
 * exportState() and restoreFrom: a simulator started from an export (after a JSON round trip, as
 * the operator CLI keeps it in a file between commands) answers the API as the exporting one did.
 */

const ORDER_DELAY_MS = 40;
const SECRET = 'ahbaccdTeA9g5giYcr12+1mwD2VgWgwgbgwGDGhg';

const started: DirectorSimulator[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((director) => director.stop()));
});

async function start(options: DirectorSimulatorOptions): Promise<DirectorSimulator> {
  const director = await startDirectorSimulator(options);
  started.push(director);
  return director;
}

/** The export as a file would give it back. */
function throughJson(director: DirectorSimulator): AnyJson {
  return JSON.parse(JSON.stringify(director.exportState()));
}

/** A create body with its own name. */
function namedSource(name: string): { data: AnyJson } {
  const body = seedCreateRequest();
  body.data.name = name;
  body.data.config.Source.name = name;
  return body;
}

/** The fields of a listed source these tests read. */
interface Listed {
  id: string;
  name: string;
  config: { RoutingPolicy: string; Connector: { secret_key: string } };
}

/** The list's entry at `index`; fails the test when there is none. */
function entryAt<T>(list: readonly T[], index: number): T {
  const entry = list[index];
  if (entry === undefined) throw new Error(`no entry ${index} in a list of ${list.length}`);
  return entry;
}

async function listOf(director: DirectorSimulator): Promise<Listed[]> {
  const answer = await call(director, 'GET', configPath(director, 'LogSources'));
  expect(answer.status).toBe(200);
  return answer.body as Listed[];
}

/** Submits a write and moves the clock past its order; returns the order's response. */
async function writeAndComplete(director: DirectorSimulator, clock: { advance: (ms: number) => void }, method: string, resource: string, body?: unknown) {
  const accepted = await call(director, method, configPath(director, resource), { body });
  expect(accepted.status).toBe(200);
  clock.advance(ORDER_DELAY_MS);
  return (await call(director, 'GET', orderPathOf(accepted))).body.response as Record<string, unknown>;
}

/** An exporter with two log sources created through the API, and the simulator restored from its export. */
async function exportedPair(options: DirectorSimulatorOptions = {}) {
  const clock = manualClock();
  const exporter = await start({ orderDelayMs: ORDER_DELAY_MS, clock: clock.now, ...options });
  await createAndComplete(exporter, clock, namedSource('Trail-A'), ORDER_DELAY_MS);
  await createAndComplete(exporter, clock, namedSource('Trail-B'), ORDER_DELAY_MS);
  const restored = await start({ orderDelayMs: ORDER_DELAY_MS, clock: clock.now, ...options, restoreFrom: throughJson(exporter) });
  return { clock, exporter, restored };
}

describe('Director simulator exportState / restoreFrom', () => {
  it('exports plain JSON: a JSON round trip changes nothing and the document shares nothing with the live simulator', async () => {
    const { exporter } = await exportedPair();

    const exported = exporter.exportState();
    (exported.state.logSources[0]?.data as AnyJson).name = 'changed';

    expect(JSON.parse(JSON.stringify(exporter.exportState()))).toStrictEqual(exporter.exportState());
    expect(exporter.logSources().map((source) => source.name)).toEqual(['Trail-A', 'Trail-B']);
  });

  it('restores pool, logpoint and the log sources: GET LogSources lists the same sources with the same ids', async () => {
    const { exporter, restored } = await exportedPair();

    const before = await listOf(exporter);
    const after = await listOf(restored);

    expect([restored.poolUuid, restored.logpointId]).toEqual([exporter.poolUuid, exporter.logpointId]);
    expect(after).toHaveLength(2);
    expect(after).toEqual(before);
    const first = entryAt(before, 0);
    expect((await call(restored, 'GET', configPath(restored, `LogSources/${encodeURIComponent(first.id)}`))).body).toEqual(first);
    expect((await call(restored, 'GET', configPath(restored, 'RoutingPolicies'))).body).toEqual(
      (await call(exporter, 'GET', configPath(exporter, 'RoutingPolicies'))).body,
    );
  });

  it('keeps the real connector secret in the restored storage, masked in reads', async () => {
    const { restored } = await exportedPair();

    const source = entryAt(await listOf(restored), 0);

    expect(source.config.Connector.secret_key).toBe('********');
    expect(restored.connectorSecretMatches(source.id, SECRET)).toBe(true);
  });

  it('accepts the exported secretKey on POST /refreshToken, and the tokens the exporter issued', async () => {
    const clock = manualClock();
    const exporter = await start({ clock: clock.now });
    const issuedBefore = exporter.issueToken();

    const restored = await start({ clock: clock.now, restoreFrom: throughJson(exporter) });
    const refreshed = await call(restored, 'POST', '/refreshToken', { token: null, body: { secretKey: exporter.secretKey } });
    const withNewToken = await call(restored, 'GET', configPath(restored, 'LogSources'), { token: refreshed.body.tokenDetails.token });
    const withOldToken = await call(restored, 'GET', configPath(restored, 'LogSources'), { token: issuedBefore });

    expect(restored.secretKey).toBe(exporter.secretKey);
    expect(refreshed.status).toBe(200);
    expect(withNewToken.status).toBe(200);
    expect(withOldToken.status).toBe(200);
  });

  it('restores a rotated secretKey: the current one refreshes, the initial one is refused', async () => {
    const exporter = await start({ rotateSecretKeyOnRefresh: true, secretKey: 'initial-key' });
    const rotated = await call(exporter, 'POST', '/refreshToken', { token: null, body: { secretKey: 'initial-key' } });

    const restored = await start({ rotateSecretKeyOnRefresh: true, restoreFrom: throughJson(exporter) });
    const withInitial = await call(restored, 'POST', '/refreshToken', { token: null, body: { secretKey: 'initial-key' } });
    const withCurrent = await call(restored, 'POST', '/refreshToken', { token: null, body: { secretKey: rotated.body.tokenDetails.secretKey } });

    expect(withInitial.status).toBe(401);
    expect(withCurrent.status).toBe(200);
  });

  it('edits and deletes a restored source through PUT and DELETE orders', async () => {
    const { clock, restored } = await exportedPair();
    const listed = await listOf(restored);
    const [first, second] = [entryAt(listed, 0), entryAt(listed, 1)];
    const uuid = first.id.slice('LogSources/'.length);

    const edited = await writeAndComplete(restored, clock, 'PUT', `LogSources/${uuid}`, seedEditRequest());
    const afterEdit = await listOf(restored);
    const deleted = await writeAndComplete(restored, clock, 'DELETE', `LogSources/${encodeURIComponent(second.id)}`);

    expect(edited.success).toBe(true);
    expect(afterEdit.map((source) => [source.id, source.name])).toEqual([
      [first.id, 'UpdatedCloudTrail'],
      [second.id, 'Trail-B'],
    ]);
    expect(deleted.success).toBe(true);
    expect((await listOf(restored)).map((source) => source.id)).toEqual([first.id]);
  });

  it('gives a source created after the restore an id and policies none of the restored ones has, and still refuses a restored name', async () => {
    const { clock, restored } = await exportedPair();
    const restoredSources = await listOf(restored);

    const created = await writeAndComplete(restored, clock, 'POST', 'LogSources', namedSource('Trail-C'));
    const duplicate = await writeAndComplete(restored, clock, 'POST', 'LogSources', namedSource('Trail-A'));
    const list = await listOf(restored);

    expect(created.success).toBe(true);
    expect(duplicate).toMatchObject({ success: false, validationErrors: { name: ['The value already exists.'] } });
    expect(list).toHaveLength(3);
    expect(new Set(list.map((source) => source.id)).size).toBe(3);
    expect(new Set(list.map((source) => source.config.RoutingPolicy)).size).toBe(3);
    expect(list.slice(0, 2)).toEqual(restoredSources);
  });

  it('settles due orders before exporting, so a write whose order is due is in the export', async () => {
    const clock = manualClock();
    const exporter = await start({ orderDelayMs: ORDER_DELAY_MS, clock: clock.now });
    const accepted = await call(exporter, 'POST', configPath(exporter, 'LogSources'), { body: seedCreateRequest() });
    clock.advance(ORDER_DELAY_MS);

    const exported: DirectorStateExport = exporter.exportState();

    expect(exported.state.logSources).toHaveLength(1);
    expect(exported.orders).toEqual([
      expect.objectContaining({ requestId: orderPathOf(accepted).split('/').at(-1), response: expect.objectContaining({ success: true }) }),
    ]);
  });

  it('answers GET orders/{id} on the restored simulator for an order completed before the export', async () => {
    const clock = manualClock();
    const exporter = await start({ orderDelayMs: ORDER_DELAY_MS, clock: clock.now });
    const accepted = await call(exporter, 'POST', configPath(exporter, 'LogSources'), { body: seedCreateRequest() });
    clock.advance(ORDER_DELAY_MS);
    const completed = await call(exporter, 'GET', orderPathOf(accepted));

    const restored = await start({ orderDelayMs: ORDER_DELAY_MS, clock: clock.now, restoreFrom: throughJson(exporter) });
    const answer = await call(restored, 'GET', orderPathOf(accepted));

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(completed.body);
  });

  it('re-queues an order still pending at export: in progress on the restored simulator, applied there at its exported due time', async () => {
    // Prepare: a create order halfway through, exported
    const clock = manualClock();
    const exporter = await start({ orderDelayMs: ORDER_DELAY_MS, clock: clock.now });
    const accepted = await call(exporter, 'POST', configPath(exporter, 'LogSources'), { body: seedCreateRequest() });
    clock.advance(ORDER_DELAY_MS / 2);
    const document: DirectorStateExport = throughJson(exporter);
    await exporter.stop();

    // Act: the restored simulator has another orderDelayMs; the exported due time still decides
    const restored = await start({ orderDelayMs: 10 * ORDER_DELAY_MS, clock: clock.now, restoreFrom: document });
    const pending = await call(restored, 'GET', orderPathOf(accepted));
    const listWhilePending = await listOf(restored);
    clock.advance(ORDER_DELAY_MS / 2);
    const done = await call(restored, 'GET', orderPathOf(accepted));

    // Assess
    expect(document.orders[0]).toMatchObject({ dueAt: new Date(Date.parse(document.exportedAt) + ORDER_DELAY_MS / 2).toISOString() });
    expect(pending.body.request).toMatchObject({ action: 'create', in_progress: true, data: { config: { Connector: { secret_key: '********' } } } });
    expect(listWhilePending).toEqual([]);
    expect(done.body.response).toMatchObject({ success: true });
    expect((await listOf(restored)).map((source) => source.name)).toEqual(['CloudTrail']);
    expect(restored.connectorSecretMatches(entryAt(await listOf(restored), 0).id, SECRET)).toBe(true);
  });

  it('keeps the staleListsUntilRefresh snapshot: the restored GET shows the list of the last refreshlist until the next one', async () => {
    const clock = manualClock();
    const options = { orderDelayMs: ORDER_DELAY_MS, clock: clock.now, staleListsUntilRefresh: true };
    const exporter = await start(options);
    await createAndComplete(exporter, clock, seedCreateRequest(), ORDER_DELAY_MS);

    const restored = await start({ ...options, restoreFrom: throughJson(exporter) });
    const stale = await listOf(restored);
    await writeAndComplete(restored, clock, 'POST', 'LogSources/refreshlist');

    expect(stale).toEqual([]);
    expect((await listOf(restored)).map((source) => source.name)).toEqual(['CloudTrail']);
  });

  it('restores a bare-hex (v27-docs) simulator under its profile, whose ids stay 24 hex', async () => {
    const { exporter, restored } = await exportedPair({ profile: 'v27-docs' });

    const list = await listOf(restored);

    expect(list).toEqual(await listOf(exporter));
    expect(list.map((source) => source.id)).toEqual([expect.stringMatching(/^[0-9a-f]{24}$/), expect.stringMatching(/^[0-9a-f]{24}$/)]);
  });

  it('goes back to the seed on reset(), keeping the restored pool, logpoint and secretKey', async () => {
    const { exporter, restored } = await exportedPair();

    restored.reset();

    expect(restored.logSources()).toEqual([]);
    expect([restored.poolUuid, restored.logpointId, restored.secretKey]).toEqual([exporter.poolUuid, exporter.logpointId, exporter.secretKey]);
    expect((await call(restored, 'POST', '/refreshToken', { token: null, body: { secretKey: exporter.secretKey } })).status).toBe(200);
  });

  it.each([
    ['a document of another kind', (document: AnyJson) => void (document.format = 'something-else'), /format/],
    ['a log source without its data', (document: AnyJson) => void delete document.state.logSources[0].data, /state\.logSources\[0\]\.data/],
    ['an order with an unparsable due time', (document: AnyJson) => void (document.orders[0].dueAt = 'tomorrow'), /orders\[0\]\.dueAt/],
    [
      'a key the id style does not know',
      (document: AnyJson) => void (document.state.logSources[0].key = 'abc'),
      /not a log source key of idStyle prefixed-uuid/,
    ],
    ['a key used twice', (document: AnyJson) => void (document.state.logSources[1].key = document.state.logSources[0].key), /earlier log source too/],
  ])('refuses %s, naming what is wrong', async (_what, spoil, problem) => {
    const { exporter } = await exportedPair();
    const document = throughJson(exporter);
    spoil(document);

    const starting = startDirectorSimulator({ restoreFrom: document });

    await expect(starting).rejects.toThrow(/restoreFrom is not a document exportState\(\) made/);
    await expect(starting).rejects.toThrow(problem);
  });

  it.each([
    ['poolUuid', { poolUuid: 'c'.repeat(32) }],
    ['secretKey', { secretKey: 'another-key' }],
    ['idStyle', { idStyle: 'bare-hex' as const }],
  ])('refuses an explicit %s that contradicts the document', async (option, contradiction) => {
    const { exporter } = await exportedPair();

    const starting = startDirectorSimulator({ ...contradiction, restoreFrom: throughJson(exporter) });

    await expect(starting).rejects.toThrow(RangeError);
    await expect(starting).rejects.toThrow(`option ${option} differs`);
  });
});
