import { afterEach, describe, expect, it } from 'vitest';
import { DIRECTOR_PROFILES, startDirectorSimulator } from '../../../local/director-simulator/index.js';
import type { DirectorSimulator, DirectorSimulatorOptions } from '../../../local/director-simulator/index.js';
import type { AnyJson } from './director-http.js';
import { call, configPath, manualClock, orderPathOf, seedCreateRequest, seedEditRequest } from './director-http.js';

const ORDER_DELAY_MS = 40;
const PROFILE_NAMES = Object.keys(DIRECTOR_PROFILES);

const running: DirectorSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((director) => director.stop()));
});

type TestClock = ReturnType<typeof manualClock>;

async function start(options: DirectorSimulatorOptions): Promise<{ director: DirectorSimulator; clock: TestClock }> {
  const clock = manualClock();
  const director = await startDirectorSimulator({ orderDelayMs: ORDER_DELAY_MS, clock: clock.now, ...options });
  running.push(director);
  return { director, clock };
}

/** Sends a write and polls its order the way a client does, following the message path as given. */
async function write(director: DirectorSimulator, clock: TestClock, method: string, resource: string, body?: unknown): Promise<AnyJson> {
  const accepted = await call(director, method, configPath(director, resource), body === undefined ? {} : { body });
  expect(accepted.status).toBe(200);
  clock.advance(ORDER_DELAY_MS);
  const order = await call(director, 'GET', orderPathOf(accepted));
  expect(order.status).toBe(200);
  return order.body.response;
}

/** What a correct client does after a write before it reads: refreshlist, then wait for that order. */
async function refreshedList(director: DirectorSimulator, clock: TestClock): Promise<AnyJson[]> {
  expect((await write(director, clock, 'POST', 'LogSources/refreshlist')).success).toBe(true);
  return (await call(director, 'GET', configPath(director, 'LogSources'))).body as AnyJson[];
}

/** A correct client's create: the id from the order response when there is one, else one list after refresh. */
async function createAsClient(director: DirectorSimulator, clock: TestClock): Promise<string> {
  const response = await write(director, clock, 'POST', 'LogSources', seedCreateRequest());
  expect(response.success).toBe(true);
  const orderId: unknown = response.id;
  if (typeof orderId === 'string') return orderId;
  const found = (await refreshedList(director, clock)).find((source) => source.name === 'CloudTrail');
  return found.id as string;
}

describe('Director profiles', () => {
  it('the default profile accepts the seed guide create and edit examples verbatim', async () => {
    // Prepare
    const { director, clock } = await start({ profile: 'default' });
    expect((await write(director, clock, 'POST', 'LogSources', seedCreateRequest())).success).toBe(true);
    const [created] = (await call(director, 'GET', configPath(director, 'LogSources'))).body as AnyJson[];
    const uuid = (created.id as string).slice('LogSources/'.length);

    // Act
    const edited = await write(director, clock, 'PUT', `LogSources/${uuid}`, seedEditRequest());

    // Assess
    expect(edited).toEqual({ success: true, message: expect.any(String), errors: [] });
    expect(director.logSources()).toEqual([expect.objectContaining({ id: created.id, name: 'UpdatedCloudTrail' })]);
  });

  it.each(PROFILE_NAMES)('profile %s accepts a create and an edit sent with ids exactly as it handed them out', async (profile) => {
    // Prepare
    const { director, clock } = await start({ profile });
    const id = await createAsClient(director, clock);
    const edit = seedEditRequest();

    // Act
    const edited = await write(director, clock, 'PUT', `LogSources/${encodeURIComponent(id)}`, { data: { ...edit.data, id } });
    const listed = await refreshedList(director, clock);

    // Assess
    expect(edited).toMatchObject({ success: true });
    expect(listed).toEqual([expect.objectContaining({ id, name: 'UpdatedCloudTrail' })]);
  });

  it('v27-docs rejects an edit whose body id is LogSources/<x> and leaves the source unchanged', async () => {
    // Prepare
    const { director, clock } = await start({ profile: 'v27-docs' });
    const id = await createAsClient(director, clock);
    const edit = seedEditRequest();

    // Act
    const edited = await write(director, clock, 'PUT', `LogSources/${id}`, { data: { ...edit.data, id: `LogSources/${id}` } });

    // Assess
    expect(edited).toMatchObject({ success: false, validationErrors: { id: [expect.any(String)] } });
    expect(director.logSources()).toEqual([expect.objectContaining({ id, name: 'CloudTrail' })]);
  });

  it('v27-docs hands out bare 24-hex ids, reads access_key back not at all and keeps the id out of the order', async () => {
    // Prepare
    const { director, clock } = await start({ profile: 'v27-docs' });

    // Act
    const accepted = await call(director, 'POST', configPath(director, 'LogSources'), { body: seedCreateRequest() });
    clock.advance(ORDER_DELAY_MS);
    const response = (await call(director, 'GET', orderPathOf(accepted))).body.response;
    const [read] = (await call(director, 'GET', configPath(director, 'LogSources'))).body as AnyJson[];

    // Assess
    expect(accepted.body.message).toMatch(/^monitorapi\//);
    expect(response).not.toHaveProperty('id');
    expect(read.id).toMatch(/^[0-9a-f]{24}$/);
    expect(read.config.Connector).not.toHaveProperty('access_key');
  });

  it.each([
    ['v1-paths', /^\/monitorapi\/v1\//],
    ['leading-slash-orders', /^\/monitorapi\/[0-9a-f]{32}\//],
    ['default', /^monitorapi\/[0-9a-f]{32}\//],
  ])('profile %s spells the order path of a write answer as %s', async (profile, pattern) => {
    // Prepare
    const { director } = await start({ profile });

    // Act
    const accepted = await call(director, 'POST', configPath(director, 'LogSources'), { body: seedCreateRequest() });

    // Assess
    expect(accepted.body.message).toMatch(pattern);
  });

  it('profile rotating-secret-key returns a new secretKey on refresh and refuses the old one', async () => {
    // Prepare
    const { director } = await start({ profile: 'rotating-secret-key', secretKey: 'first-key' });

    // Act
    const first = await call(director, 'POST', '/refreshToken', { token: null, body: { secretKey: 'first-key' } });
    const again = await call(director, 'POST', '/refreshToken', { token: null, body: { secretKey: 'first-key' } });

    // Assess
    expect(first.body.tokenDetails.secretKey).not.toBe('first-key');
    expect(again.status).toBe(401);
  });

  it('explicit options override the profile, and undefined ones leave its value', async () => {
    // Prepare
    const { director, clock } = await start({
      profile: 'v27-docs',
      idStyle: 'prefixed-uuid',
      orderResponseIncludesId: undefined,
      accessKeyReadBack: undefined,
    });

    // Act
    await write(director, clock, 'POST', 'LogSources', seedCreateRequest());
    const [read] = (await call(director, 'GET', configPath(director, 'LogSources'))).body as AnyJson[];

    // Assess
    expect(read.id).toMatch(/^LogSources\//);
    expect(read.config.Connector).not.toHaveProperty('access_key');
  });

  it('an unknown profile name throws a RangeError that lists the known names', async () => {
    // Prepare
    const starting = startDirectorSimulator({ profile: 'no-such-director' });

    // Act
    const failure = await starting.then(
      () => undefined,
      (error: unknown) => error,
    );

    // Assess
    expect(failure).toBeInstanceOf(RangeError);
    for (const name of PROFILE_NAMES) expect((failure as RangeError).message).toContain(name);
  });

  it('every profile has a description and only its own options, never a nested profile', () => {
    // Prepare
    const profiles = Object.entries(DIRECTOR_PROFILES);

    // Act
    const nested = profiles.filter(([, profile]) => 'profile' in profile.options).map(([name]) => name);

    // Assess
    expect(PROFILE_NAMES).toEqual(
      expect.arrayContaining(['default', 'v27-docs', 'masked-readback', 'stale-lists', 'no-exp-tokens', 'rotating-secret-key', 'v1-paths', 'noisy']),
    );
    expect(nested).toEqual([]);
    for (const [, profile] of profiles) expect(profile.description.length).toBeGreaterThan(10);
  });
});
