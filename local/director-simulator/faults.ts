import { errorReply } from './http-io.js';
import type { Reply } from './http-io.js';
import { INVALID_FORM_MESSAGE } from './log-source-orders.js';
import { SlidingWindowRateLimit } from './rate-limit.js';
import { compileRoutePattern } from './route-pattern.js';
import type { RequestTarget, RouteMatcher } from './route-pattern.js';
import type { Clock, DirectorFaults, JsonObject, JsonValue, OrderFailureSpec, RoutePattern } from './types.js';

/** What the transport layer does instead of serving a request. */
export type TransportFault = { kind: 'drop' } | { kind: 'reply'; reply: Reply };

/** How the next order behaves, decided when it is submitted. */
export interface OrderFault {
  neverFinish: boolean;
  /** The order's `response` when it is made to fail. */
  failure?: JsonObject;
}

interface Counted {
  matches: RouteMatcher;
  remaining: number;
}

function checkCount(count: number): number {
  if (!(count >= 0)) throw new RangeError(`fault count must be a number >= 0, got ${count}`);
  return count;
}

/** Takes one use of the first entry that matches; spent entries disappear. */
function takeFrom<T extends Counted>(entries: T[], target?: RequestTarget): T | undefined {
  const index = entries.findIndex((entry) => entry.remaining > 0 && (target === undefined || entry.matches(target)));
  const entry = entries[index];
  if (entry === undefined) return undefined;
  entry.remaining -= 1;
  if (entry.remaining <= 0) entries.splice(index, 1);
  return entry;
}

export class FaultInjector implements DirectorFaults {
  private routeFailures: (Counted & { reply: Reply })[] = [];
  private drops: Counted[] = [];
  private throttles: (Counted & { retryAfter: string })[] = [];
  private latencies = new Map<RoutePattern | undefined, { matches: RouteMatcher; ms: number }>();
  private orderFailures: (Counted & { failure: JsonObject })[] = [];
  private neverFinish: Counted[] = [];
  private forbidden: Counted[] = [];
  private limiter: SlidingWindowRateLimit | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly onExpireAllTokens: () => void,
  ) {}

  failRoute(route: RoutePattern, options: { status: number; count?: number; body?: JsonValue }): void {
    const { status } = options;
    if (!Number.isInteger(status) || status < 200 || status > 599) throw new RangeError(`fault status must be 200-599, got ${status}`);
    const body = options.body ?? { status: 'Error', message: `Simulated failure (HTTP ${status}).` };
    this.routeFailures.push({ matches: compileRoutePattern(route), remaining: checkCount(options.count ?? 1), reply: { status, body } });
  }

  setLatency(ms: number, route?: RoutePattern): void {
    if (!(ms >= 0)) throw new RangeError(`latency must be >= 0 ms, got ${ms}`);
    if (ms === 0) this.latencies.delete(route);
    else this.latencies.set(route, { matches: compileRoutePattern(route), ms });
  }

  dropConnections(count: number, route?: RoutePattern): void {
    this.drops.push({ matches: compileRoutePattern(route), remaining: checkCount(count) });
  }

  throttle(count: number, options: { retryAfter?: number | string; route?: RoutePattern } = {}): void {
    const retryAfter = String(options.retryAfter ?? 1);
    this.throttles.push({ matches: compileRoutePattern(options.route), remaining: checkCount(count), retryAfter });
  }

  failOrders(count: number, failure: OrderFailureSpec = {}): void {
    const { validationErrors, errors } = failure;
    const details: JsonObject =
      validationErrors === undefined && errors === undefined
        ? { errors: ['Simulated order failure.'] }
        : {
            ...(validationErrors === undefined ? {} : { validationErrors: structuredClone(validationErrors) }),
            ...(errors === undefined ? {} : { errors: [...errors] }),
          };
    const response: JsonObject = { success: false, message: failure.message ?? INVALID_FORM_MESSAGE, ...details };
    this.orderFailures.push({ matches: () => true, remaining: checkCount(count), failure: response });
  }

  neverFinishOrders(count = Infinity): void {
    this.neverFinish.push({ matches: () => true, remaining: checkCount(count) });
  }

  rateLimit(requestsPerSecond: number | undefined): void {
    if (requestsPerSecond !== undefined && !(requestsPerSecond > 0)) {
      throw new RangeError(`rate limit must be > 0 requests per second, got ${requestsPerSecond}`);
    }
    this.limiter = requestsPerSecond === undefined ? undefined : new SlidingWindowRateLimit(this.clock, requestsPerSecond);
  }

  forbidTokens(count = Infinity): void {
    this.forbidden.push({ matches: () => true, remaining: checkCount(count) });
  }

  expireAllTokens(): void {
    this.onExpireAllTokens();
  }

  clear(): void {
    this.routeFailures = [];
    this.drops = [];
    this.throttles = [];
    this.latencies.clear();
    this.orderFailures = [];
    this.neverFinish = [];
    this.forbidden = [];
    this.limiter = undefined;
  }

  /** Total added latency for this request: the global one plus every matching per-route one. */
  latencyFor(target: RequestTarget): number {
    let total = 0;
    for (const latency of this.latencies.values()) if (latency.matches(target)) total += latency.ms;
    return total;
  }

  /** Rate limit first (the gateway), then drop, throttle and injected status, each consuming one use. */
  takeTransportFault(target: RequestTarget): TransportFault | undefined {
    const retryAfterSeconds = this.limiter?.admit();
    if (retryAfterSeconds !== undefined) {
      return { kind: 'reply', reply: errorReply(429, 'Request was throttled: rate limit exceeded.', { 'Retry-After': String(retryAfterSeconds) }) };
    }
    if (takeFrom(this.drops, target) !== undefined) return { kind: 'drop' };
    const throttle = takeFrom(this.throttles, target);
    if (throttle !== undefined) {
      return { kind: 'reply', reply: errorReply(429, 'Request was throttled.', { 'Retry-After': throttle.retryAfter }) };
    }
    const failure = takeFrom(this.routeFailures, target);
    return failure === undefined ? undefined : { kind: 'reply', reply: structuredClone(failure.reply) };
  }

  /** True when this authenticated call must answer 403. */
  takeForbidden(): boolean {
    return takeFrom(this.forbidden) !== undefined;
  }

  takeOrderFault(): OrderFault {
    const neverFinish = takeFrom(this.neverFinish) !== undefined;
    const failure = takeFrom(this.orderFailures)?.failure;
    return { neverFinish, ...(failure === undefined ? {} : { failure: structuredClone(failure) }) };
  }
}
