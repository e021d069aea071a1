import { errorReply } from './http-io.js';
import type { Reply } from './http-io.js';
import { INVALID_FORM_MESSAGE } from './log-source-orders.js';
import { SlidingWindowRateLimit } from './rate-limit.js';
import { compileRoutePattern } from './route-pattern.js';
import type { RequestTarget, RouteMatcher } from './route-pattern.js';
import type { Clock, DirectorFaults, JsonObject, JsonValue, OrderFailureSpec, RoutePattern } from './types.js';

/** What the transport layer does instead of serving a request. */
export type TransportFault = { kind: 'drop' } | { kind: 'reply'; reply: Reply };

/** What the transport layer does with the answer of a request it has already served. */
export type AfterApplyFault = { kind: 'drop' } | { kind: 'reply'; reply: Reply } | { kind: 'delay'; ms: number };

/** How the next order behaves, decided when it is submitted. */
export interface OrderFault {
  neverFinish: boolean;
  /** The monitor API does not know the order (404), though it still settles. */
  lost: boolean;
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

function checkMs(ms: number, what: string): number {
  if (!(ms >= 0)) throw new RangeError(`${what} must be >= 0 ms, got ${ms}`);
  return ms;
}

/** An injected answer: `body`, or Director's error shape naming the status. */
function injectedReply(status: number, body: JsonValue | undefined, what: string): Reply {
  if (!Number.isInteger(status) || status < 200 || status > 599) throw new RangeError(`fault status must be 200-599, got ${status}`);
  return { status, body: body ?? { status: 'Error', message: `Simulated ${what} (HTTP ${status}).` } };
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
  private dropsAfterApply: Counted[] = [];
  private failuresAfterApply: (Counted & { reply: Reply })[] = [];
  private delaysAfterApply: (Counted & { ms: number })[] = [];
  private lostOrders: Counted[] = [];
  private limiter: SlidingWindowRateLimit | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly onExpireAllTokens: () => void,
  ) {}

  failRoute(route: RoutePattern, options: { status: number; count?: number; body?: JsonValue }): void {
    const reply = injectedReply(options.status, options.body, 'failure');
    this.routeFailures.push({ matches: compileRoutePattern(route), remaining: checkCount(options.count ?? 1), reply });
  }

  setLatency(ms: number, route?: RoutePattern): void {
    if (checkMs(ms, 'latency') === 0) this.latencies.delete(route);
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

  dropAfterApply(count: number, route?: RoutePattern): void {
    this.dropsAfterApply.push({ matches: compileRoutePattern(route), remaining: checkCount(count) });
  }

  failAfterApply(status: number, options: { count?: number; route?: RoutePattern; body?: JsonValue } = {}): void {
    const reply = injectedReply(status, options.body, 'failure after the request was served');
    this.failuresAfterApply.push({ matches: compileRoutePattern(options.route), remaining: checkCount(options.count ?? 1), reply });
  }

  delayReplyAfterApply(ms: number, options: { count?: number; route?: RoutePattern } = {}): void {
    const delay = checkMs(ms, 'reply delay');
    this.delaysAfterApply.push({ matches: compileRoutePattern(options.route), remaining: checkCount(options.count ?? 1), ms: delay });
  }

  loseOrders(count = 1): void {
    this.lostOrders.push({ matches: () => true, remaining: checkCount(count) });
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
    this.dropsAfterApply = [];
    this.failuresAfterApply = [];
    this.delaysAfterApply = [];
    this.lostOrders = [];
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

  /**
   * For a request already served: drop, then injected status, then delay, each consuming one use.
   * At most one acts, so a delayed answer is always the real one.
   */
  takeAfterApplyFault(target: RequestTarget): AfterApplyFault | undefined {
    if (takeFrom(this.dropsAfterApply, target) !== undefined) return { kind: 'drop' };
    const failure = takeFrom(this.failuresAfterApply, target);
    if (failure !== undefined) return { kind: 'reply', reply: structuredClone(failure.reply) };
    const delay = takeFrom(this.delaysAfterApply, target);
    return delay === undefined ? undefined : { kind: 'delay', ms: delay.ms };
  }

  /** True when this authenticated call must answer 403. */
  takeForbidden(): boolean {
    return takeFrom(this.forbidden) !== undefined;
  }

  takeOrderFault(): OrderFault {
    const neverFinish = takeFrom(this.neverFinish) !== undefined;
    const failure = takeFrom(this.orderFailures)?.failure;
    const lost = takeFrom(this.lostOrders) !== undefined;
    return { neverFinish, lost, ...(failure === undefined ? {} : { failure: structuredClone(failure) }) };
  }
}
