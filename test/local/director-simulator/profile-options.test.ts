import { afterEach, describe, expect, it } from 'vitest';
import { startDirectorSimulator } from '../../../local/director-simulator/index.js';
import type { DirectorSimulator, DirectorSimulatorOptions } from '../../../local/director-simulator/index.js';
import type { AnyJson } from './director-http.js';
import { call, configPath, createAndComplete, manualClock, orderPathOf, seedCreateRequest, seedEditRequest } from './director-http.js';

/** The options behind the Director profiles, one at a time, over real HTTP. */

const ORDER_DELAY_MS = 40;
const HEX24 = /^[0-9a-f]{24}$/;

const running: DirectorSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((director) => director.stop()));
});

async function start(options: DirectorSimulatorOptions): Promise<{ director: DirectorSimulator; clock: ReturnType<typeof manualClock> }> {
  const clock = manualClock();
  const director = await startDirectorSimulator({ orderDelayMs: ORDER_DELAY_MS, clock: clock.now, ...options });
  running.push(director);
  return { director, clock };
}

/** Sends a write, lets its order finish and returns the settled order view. */
async function settle(
  director: DirectorSimulator,
  clock: { advance: (ms: number) => void },
  method: string,
  resource: string,
  body?: unknown,
): Promise<AnyJson> {
  const accepted = await call(director, method, configPath(director, resource), body === undefined ? {} : { body });
  expect(accepted.status).toBe(200);
  clock.advance(ORDER_DELAY_MS);
  return (await call(director, 'GET', orderPathOf(accepted))).body;
}

async function list(director: DirectorSimulator): Promise<AnyJson[]> {
  return (await call(director, 'GET', configPath(director, 'LogSources'))).body as AnyJson[];
}

describe('Director simulator idStyle bare-hex', () => {
  it('hands out bare 24-hex ids and understands only that form in URLs', async () => {
    // Prepare
    const { director, clock } = await start({ idStyle: 'bare-hex', orderResponseIncludesId: true });

    // Act
    const order = await settle(director, clock, 'POST', 'LogSources', seedCreateRequest());
    const [read] = await list(director);
    const byBareId = await call(director, 'GET', configPath(director, `LogSources/${read.id as string}`));
    const byPrefixedId = await call(director, 'GET', configPath(director, `LogSources/LogSources/${read.id as string}`));
    const byEncodedPrefixedId = await call(director, 'GET', configPath(director, `LogSources/${encodeURIComponent(`LogSources/${read.id as string}`)}`));

    // Assess
    expect(read.id).toMatch(HEX24);
    expect(order.response.id).toBe(read.id);
    expect(byBareId.body).toEqual(read);
    expect(byPrefixedId.status).toBe(404);
    expect(byEncodedPrefixedId.status).toBe(404);
  });

  it('edits with the bare id in URL and body, and fails the order of an edit whose body id is LogSources/<x>', async () => {
    // Prepare
    const { director, clock } = await start({ idStyle: 'bare-hex' });
    await settle(director, clock, 'POST', 'LogSources', seedCreateRequest());
    const [created] = await list(director);
    const id = created.id as string;
    const edit = seedEditRequest();

    // Act
    const prefixed = await settle(director, clock, 'PUT', `LogSources/${id}`, { data: { ...edit.data, id: `LogSources/${id}` } });
    const afterRejected = await list(director);
    const bare = await settle(director, clock, 'PUT', `LogSources/${id}`, { data: { ...edit.data, id } });

    // Assess
    expect(prefixed.response).toEqual({
      success: false,
      message: 'Some of the form fields are invalid, please check.',
      validationErrors: { id: [expect.stringContaining(`LogSources/${id}`)] },
    });
    expect(afterRejected[0].name).toBe('CloudTrail');
    expect(bare.response).toMatchObject({ success: true });
    expect((await list(director))[0]).toMatchObject({ id, name: 'UpdatedCloudTrail' });
  });

  it('fails an edit or delete addressed as LogSources/<hex> with not-found, like any id it does not know', async () => {
    // Prepare
    const { director, clock } = await start({ idStyle: 'bare-hex' });
    await settle(director, clock, 'POST', 'LogSources', seedCreateRequest());
    const id = (await list(director))[0].id as string;

    // Act
    const deleted = await settle(director, clock, 'DELETE', `LogSources/${encodeURIComponent(`LogSources/${id}`)}`);

    // Assess
    expect(deleted.response).toMatchObject({ success: false, message: 'LogSource does not exist.' });
    expect(await list(director)).toHaveLength(1);
  });
});

describe('Director simulator accessKeyReadBack', () => {
  it.each([
    ['plain', 'ABICTDEEXFYGKHQITJ5K'],
    ['masked', '********'],
    ['absent', undefined],
  ] as const)('reads Connector.access_key back %s in List and Get; secret_key stays masked', async (accessKeyReadBack, expected) => {
    // Prepare
    const { director, clock } = await start({ accessKeyReadBack });
    await createAndComplete(director, clock, seedCreateRequest(), ORDER_DELAY_MS);

    // Act
    const [listed] = await list(director);
    const got = (await call(director, 'GET', configPath(director, `LogSources/${encodeURIComponent(listed.id as string)}`))).body;

    // Assess
    for (const connector of [listed.config.Connector as Record<string, unknown>, got.config.Connector as Record<string, unknown>]) {
      expect(connector.secret_key).toBe('********');
      expect(Object.hasOwn(connector, 'access_key')).toBe(expected !== undefined);
      expect(connector.access_key).toBe(expected);
    }
  });
});

describe('Director simulator staleListsUntilRefresh', () => {
  it('keeps List and Get as of the last completed refreshlist order, which answers with an order', async () => {
    // Prepare
    const { director, clock } = await start({ staleListsUntilRefresh: true });
    const created = await settle(director, clock, 'POST', 'LogSources', seedCreateRequest());
    const id = director.logSources()[0]?.id as string;
    const getOne = async (): Promise<number> => (await call(director, 'GET', configPath(director, `LogSources/${encodeURIComponent(id)}`))).status;

    // Act
    const [listBefore, getBefore] = [await list(director), await getOne()];
    const refreshAnswer = await call(director, 'POST', configPath(director, 'LogSources/refreshlist'));
    const listWhileRefreshPending = await list(director);
    clock.advance(ORDER_DELAY_MS);
    const refreshOrder = (await call(director, 'GET', orderPathOf(refreshAnswer))).body;
    const [listAfter, getAfter] = [await list(director), await getOne()];
    await settle(director, clock, 'PUT', `LogSources/${encodeURIComponent(id)}`, seedEditRequest());
    const listAfterEdit = await list(director);

    // Assess
    expect(created.response.success).toBe(true);
    expect([listBefore, getBefore, listWhileRefreshPending]).toEqual([[], 404, []]);
    expect(refreshAnswer.body).toEqual({ status: 'Success', message: expect.stringMatching(/^monitorapi\/.*\/orders\//) });
    expect(refreshOrder.response).toMatchObject({ success: true });
    expect(listAfter.map((source: AnyJson) => source.name as string)).toEqual(['CloudTrail']);
    expect(getAfter).toBe(200);
    expect(listAfterEdit.map((source: AnyJson) => source.name as string)).toEqual(['CloudTrail']);
    expect(director.logSources().map((source) => source.name)).toEqual(['UpdatedCloudTrail']);
    expect(director.operations).toHaveLength(2);
  });

  it('by default lists current data at once and still answers refreshlist with a succeeding order', async () => {
    // Prepare
    const { director, clock } = await start({});
    await createAndComplete(director, clock, seedCreateRequest(), ORDER_DELAY_MS);

    // Act
    const listed = await list(director);
    const refreshed = await settle(director, clock, 'POST', 'LogSources/refreshlist');

    // Assess
    expect(listed).toHaveLength(1);
    expect(refreshed.response).toMatchObject({ success: true });
  });
});

function jwtPayload(token: string): Record<string, unknown> {
  const [, payload = ''] = token.split('.');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('Director simulator tokenExp', () => {
  it('with tokenExp false issues tokens with iat but no exp that stay valid until expireAllTokens', async () => {
    // Prepare
    const { director, clock } = await start({ tokenExp: false, secretKey: 'refresh-key' });
    const refreshed = await call(director, 'POST', '/refreshToken', { token: null, body: { secretKey: 'refresh-key' } });
    const token = refreshed.body.tokenDetails.token as string;

    // Act
    clock.advance(90 * 24 * 60 * 60 * 1000);
    const muchLater = await call(director, 'GET', configPath(director, 'Charsets'), { token });
    director.faults.expireAllTokens();
    const afterExpiry = await call(director, 'GET', configPath(director, 'Charsets'), { token });

    // Assess
    expect(jwtPayload(token)).toHaveProperty('iat');
    expect(jwtPayload(token)).not.toHaveProperty('exp');
    expect(muchLater.status).toBe(200);
    expect(afterExpiry.status).toBe(401);
  });

  it('with tokenExp false still puts an exp into a test token issued with an explicit ttlSeconds', async () => {
    // Prepare
    const { director } = await start({ tokenExp: false });

    // Act
    const token = director.issueToken({ ttlSeconds: 5 });

    // Assess
    expect(jwtPayload(token).exp).toEqual(expect.any(Number));
  });
});

describe('Director simulator extraFields', () => {
  const EXTRAS = { unexpected_note: expect.any(String), unexpected_count: expect.any(Number), unexpected_object: expect.any(Object) };

  it('adds unknown fields to write answers, list items, single objects and settled order responses, never to a pending response', async () => {
    // Prepare
    const { director, clock } = await start({ extraFields: true });

    // Act
    const accepted = await call(director, 'POST', configPath(director, 'LogSources'), { body: seedCreateRequest() });
    const pending = (await call(director, 'GET', orderPathOf(accepted))).body;
    clock.advance(ORDER_DELAY_MS);
    const settled = (await call(director, 'GET', orderPathOf(accepted))).body;
    const [listed] = await list(director);
    const one = (await call(director, 'GET', configPath(director, `LogSources/${encodeURIComponent(listed.id as string)}`))).body;
    const charsets = (await call(director, 'GET', configPath(director, 'Charsets'))).body;
    const refreshed = (await call(director, 'POST', '/refreshToken', { token: null, body: { secretKey: director.secretKey } })).body;

    // Assess
    expect(accepted.body).toMatchObject({ status: 'Success', message: expect.stringMatching(/^monitorapi\//), ...EXTRAS });
    expect(pending).toMatchObject({ response: {}, ...EXTRAS });
    expect(pending.response).toEqual({});
    expect(settled).toMatchObject({ request: {}, ...EXTRAS, response: { success: true, ...EXTRAS } });
    expect(listed).toMatchObject({ name: 'CloudTrail', ...EXTRAS });
    expect(one).toMatchObject({ name: 'CloudTrail', ...EXTRAS });
    expect(charsets[0]).toMatchObject({ charsets: expect.arrayContaining(['utf_8']), ...EXTRAS });
    expect(refreshed).toMatchObject({ status: 'Success', tokenDetails: { token: expect.any(String) }, ...EXTRAS });
  });

  it('by default answers without unknown fields', async () => {
    // Prepare
    const { director } = await start({});

    // Act
    const charsets = (await call(director, 'GET', configPath(director, 'Charsets'))).body;

    // Assess
    expect(Object.keys(charsets[0] as object)).toEqual(['charsets']);
  });
});
