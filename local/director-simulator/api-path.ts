/**
 * Splits a request path into the API area and the resource below pool and logpoint:
 * `/configapi[/v1]/{pool}/{logpoint}/<resource>`, `/monitorapi[/v1]/{pool}/{logpoint}/<resource>`
 * and `/refreshToken`. Resource segments are URL-decoded one by one, so an encoded id such as
 * `LogSources%2F<uuid>` stays one segment.
 */
export type ApiRoute = { area: 'refresh' } | { area: 'configapi' | 'monitorapi'; pool: string; logpoint: string; resource: string[] } | { area: 'unknown' };

export interface ParsedApiPath {
  route: ApiRoute;
  /** Raw path below `{pool}/{logpoint}` with a leading slash, or the whole path; for fault patterns. */
  resourcePath: string;
}

function decodeSegments(segments: string[]): string[] | undefined {
  try {
    return segments.map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

export function parseApiPath(path: string): ParsedApiPath {
  const segments = path.split('/').slice(1);
  if (segments.at(-1) === '') segments.pop();
  const [area, ...rest] = segments;
  if (segments.length === 1 && area === 'refreshToken') return { route: { area: 'refresh' }, resourcePath: path };
  if (area !== 'configapi' && area !== 'monitorapi') return { route: { area: 'unknown' }, resourcePath: path };
  const afterVersion = rest[0] === 'v1' && rest.length >= 3 ? rest.slice(1) : rest;
  const [pool, logpoint, ...resource] = afterVersion;
  const decoded = decodeSegments(resource);
  if (pool === undefined || logpoint === undefined || resource.length === 0 || decoded === undefined) {
    return { route: { area: 'unknown' }, resourcePath: path };
  }
  return { route: { area, pool, logpoint, resource: decoded }, resourcePath: `/${resource.join('/')}` };
}
