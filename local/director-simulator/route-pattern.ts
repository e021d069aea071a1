import type { RoutePattern } from './types.js';

/** The parts of a request a fault can be aimed at. */
export interface RequestTarget {
  method: string;
  /** Path as requested, no query string. */
  path: string;
  /** Path below `/{config|monitor}api[/v1]/{pool}/{logpoint}` (e.g. `/LogSources`), else the path itself. */
  resourcePath: string;
}

export type RouteMatcher = (target: RequestTarget) => boolean;

const METHOD = /^([A-Za-z]+|\*)$/;

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`);
}

/** See `RoutePattern`: `"<METHOD> <path glob>"` or `"<path glob>"`; no pattern matches everything. */
export function compileRoutePattern(pattern: RoutePattern | undefined): RouteMatcher {
  if (pattern === undefined) return () => true;
  const words = pattern.trim().split(/\s+/);
  const [first = '', second] = words;
  if (words.length > 2 || pattern.trim() === '' || (second !== undefined && !METHOD.test(first))) {
    throw new Error(`invalid route pattern "${pattern}": expected "<METHOD> <path>" such as "POST /LogSources"`);
  }
  const method = second === undefined ? '*' : first.toUpperCase();
  const path = globToRegExp(second ?? first);
  return (target) => (method === '*' || method === target.method.toUpperCase()) && (path.test(target.path) || path.test(target.resourcePath));
}
