import { describe, expect, it } from 'vitest';
import { call, configPath, seedCreateRequest, useDirectorSimulator } from './director-http.js';
import type { AnyJson } from './director-http.js';

function without(body: AnyJson, path: (string | number)[]): AnyJson {
  const copy = structuredClone(body);
  let parent = copy.data;
  for (const key of path.slice(0, -1)) parent = parent[key];
  delete parent[path[path.length - 1] as string];
  return copy;
}

function withValue(body: AnyJson, path: (string | number)[], value: unknown): AnyJson {
  const copy = structuredClone(body);
  let parent = copy.data;
  for (const key of path.slice(0, -1)) parent = parent[key];
  parent[path[path.length - 1] as string] = value;
  return copy;
}

describe('Director simulator synchronous validation of LogSources bodies', () => {
  const director = useDirectorSimulator({ orderDelayMs: 20 });

  const mandatory: [string, (string | number)[]][] = [
    ['name', ['name']],
    ['type', ['type']],
    ['config', ['config']],
    ['config.Source', ['config', 'Source']],
    ['config.Source.name', ['config', 'Source', 'name']],
    ['config.Source.interval', ['config', 'Source', 'interval']],
    ['config.Source.charset', ['config', 'Source', 'charset']],
    ['config.Source.timezone', ['config', 'Source', 'timezone']],
    ['config.Connector', ['config', 'Connector']],
    ['config.Connector.access_key', ['config', 'Connector', 'access_key']],
    ['config.Connector.secret_key', ['config', 'Connector', 'secret_key']],
    ['config.Connector.bucket_name', ['config', 'Connector', 'bucket_name']],
    ['config.Connector.region_name', ['config', 'Connector', 'region_name']],
    ['config.Connector.filter_date', ['config', 'Connector', 'filter_date']],
    ['config.NormalizationPolicy.normalizers', ['config', 'NormalizationPolicy', 'normalizers']],
    ['config.NormalizationPolicy.normalizers[0].name', ['config', 'NormalizationPolicy', 'normalizers', 0, 'name']],
    ['config.NormalizationPolicy.normalizers[0].type', ['config', 'NormalizationPolicy', 'normalizers', 0, 'type']],
  ];

  it.each(mandatory)('answers 400 naming %s when it is missing from a create, and queues no order', async (field, path) => {
    // Prepare
    const body = without(seedCreateRequest(), path);

    // Act
    const answer = await call(director(), 'POST', configPath(director(), 'LogSources'), { body });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ status: 'Error', message: `${field} must be present in request. ` });
    expect(director().operations).toEqual([]);
  });

  it('answers 400 naming the field when an edit body misses one', async () => {
    const body = without(seedCreateRequest(), ['config', 'Connector', 'bucket_name']);

    const answer = await call(director(), 'PUT', configPath(director(), 'LogSources/1247a17f-4d16-4c3f-9002-448752ca8029'), { body });

    expect(answer.status).toBe(400);
    expect(answer.body.message).toBe('config.Connector.bucket_name must be present in request. ');
  });

  it('treats an empty string in a mandatory field as missing', async () => {
    const body = withValue(seedCreateRequest(), ['config', 'Connector', 'access_key'], '');

    const answer = await call(director(), 'POST', configPath(director(), 'LogSources'), { body });

    expect(answer.body).toEqual({ status: 'Error', message: 'config.Connector.access_key must be present in request. ' });
  });

  it.each(['repo_name', 'path', 'retention'])(
    'requires config.RoutingPolicy.%s when the body creates a new repo (another new-repo field is present)',
    async (missing) => {
      const newRepo: Record<string, string> = { repo_name: 'cloudtrail', path: '/opt/immune/storage/', retention: '90' };
      delete newRepo[missing];
      const body = withValue(seedCreateRequest(), ['config', 'RoutingPolicy'], { routing_criterion: [], catch_all: '_logpoint', ...newRepo });

      const answer = await call(director(), 'POST', configPath(director(), 'LogSources'), { body });

      expect(answer.status).toBe(400);
      expect(answer.body.message).toBe(`config.RoutingPolicy.${missing} must be present in request. `);
    },
  );

  it.each([0, -5, 1.5, '60', true])('answers 400 when config.Source.interval is %j, not a positive integer', async (interval) => {
    const body = withValue(seedCreateRequest(), ['config', 'Source', 'interval'], interval);

    const answer = await call(director(), 'POST', configPath(director(), 'LogSources'), { body });

    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/^config\.Source\.interval must be a positive integer/);
  });

  it.each([
    ['name', ['name'], 42, /^name must be a string/],
    ['config', ['config'], 'S3', /^config must be an object/],
    ['filter_date', ['config', 'Connector', 'filter_date'], 'last tuesday', /^config\.Connector\.filter_date must be an ISO-8601 date/],
    [
      'retention',
      ['config', 'RoutingPolicy'],
      { repo_name: 'r', path: '/p', retention: 'forever' },
      /^config\.RoutingPolicy\.retention must be a number of days/,
    ],
    [
      'normalizers',
      ['config', 'NormalizationPolicy', 'normalizers'],
      'CloudTrailCompiledNormalizer',
      /^config\.NormalizationPolicy\.normalizers must be a list/,
    ],
  ] as [string, (string | number)[], unknown, RegExp][])('answers 400 when %s has the wrong type', async (_name, path, value, message) => {
    const body = withValue(seedCreateRequest(), path, value);

    const answer = await call(director(), 'POST', configPath(director(), 'LogSources'), { body });

    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(message);
  });

  it('answers 400 to a malformed JSON body', async () => {
    const answer = await call(director(), 'POST', configPath(director(), 'LogSources'), { rawBody: '{"data": {"name": ' });

    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ status: 'Error', message: 'Request body must be valid JSON. ' });
  });

  it.each([
    ['a body without data', { name: 'CloudTrail' }],
    ['a JSON array', [seedCreateRequest().data]],
    ['data that is null', { data: null }],
  ])('answers 400 "data must be present" to %s', async (_case, body) => {
    const answer = await call(director(), 'POST', configPath(director(), 'LogSources'), { body });

    expect(answer.status).toBe(400);
    expect(answer.body.message).toBe('data must be present in request. ');
  });

  it('ignores unknown fields anywhere in the body', async () => {
    const body = withValue(seedCreateRequest(), ['surprise'], { nested: true });
    body.data.config.Source.future_option = 'x';
    body.unrelated = 1;

    const answer = await call(director(), 'POST', configPath(director(), 'LogSources'), { body });

    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('Success');
  });

  it('never echoes the connector secret in a 400 answer', async () => {
    const body = without(seedCreateRequest(), ['config', 'Connector', 'region_name']);
    const secret = body.data.config.Connector.secret_key as string;

    const answer = await call(director(), 'POST', configPath(director(), 'LogSources'), { body });

    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).not.toContain(secret);
  });
});
