import type { FetchLike, FetchRequestInit } from '../lambda/director/fetch.js';
import { SlidingWindowRateLimit } from '../local/director-simulator/rate-limit.js';
import type { SimulatedClock } from '../local/simulated-clock.js';

/**
 * The Director the fleet bench talks to: an in-process `fetch` for the real Director client, so
 * that a thousand onboardings can run on a simulated clock (the HTTP simulator would need real
 * sockets and real time). It answers the seven requests of a creating onboarding the way the
 * simulator's default profile does, and limits requests exactly like the simulator's
 * `--rate-limit` (the same SlidingWindowRateLimit, on the simulated clock): above the limit a
 * request is answered 429 with Retry-After and not acted on.
 *
 * What it counts: every admitted request (and when), every 429, and duplicates: a request
 * admitted a second time for the same logical call. Within one onboarding each of its seven calls
 * has its own method and path (each write makes a new order, and orders finish at once, so each
 * is polled once), so a logical call is (account, method, path); the account is the caller's
 * token (each account's client refreshes its own).
 */

export interface FleetDirectorOptions {
  clock: SimulatedClock;
  requestsPerSecond: number;
  /** Time from request to answer. */
  latencyMs: number;
  poolUuid: string;
  logpointId: string;
}

interface Reply {
  status: number;
  body: unknown;
  retryAfter?: string;
}

export class FleetDirector {
  /** Simulated epoch ms of each admitted request, in order. */
  readonly admittedAt: number[] = [];
  refused = 0;
  duplicates = 0;
  private readonly limiter: SlidingWindowRateLimit;
  private readonly seen = new Set<string>();
  private orders = 0;

  constructor(private readonly options: FleetDirectorOptions) {
    this.limiter = new SlidingWindowRateLimit(options.clock.now, options.requestsPerSecond);
  }

  readonly fetch: FetchLike = async (url, init) => {
    const reply = this.handle(new URL(url).pathname, init);
    await this.options.clock.sleep(this.options.latencyMs);
    const text = JSON.stringify(reply.body);
    return {
      status: reply.status,
      headers: { get: (name) => (name.toLowerCase() === 'retry-after' ? (reply.retryAfter ?? null) : null) },
      text: () => Promise.resolve(text),
    };
  };

  private handle(path: string, init: FetchRequestInit): Reply {
    const retryAfter = this.limiter.admit();
    if (retryAfter !== undefined) {
      this.refused += 1;
      return { status: 429, body: { status: 'Error', message: 'Too many requests' }, retryAfter: String(retryAfter) };
    }
    const body = init.body === undefined ? undefined : (JSON.parse(init.body) as { secretKey?: string });
    const account = path === '/refreshToken' ? String(body?.secretKey).replace(/^sk-/, '') : (init.headers.Authorization ?? '').replace(/^Bearer tok-/, '');
    const call = `${account} ${init.method} ${path}`;
    if (this.seen.has(call)) this.duplicates += 1;
    this.seen.add(call);
    this.admittedAt.push(this.options.clock.now());
    return this.answer(account, init.method, path);
  }

  private answer(account: string, method: string, path: string): Reply {
    const { poolUuid, logpointId } = this.options;
    const sources = `/configapi/${poolUuid}/${logpointId}/LogSources`;
    const source = { id: `LogSources/src-${account}`, name: logSourceName(account) };
    if (method === 'POST' && path === '/refreshToken') return ok({ status: 'Success', tokenDetails: { secretKey: `sk-${account}`, token: `tok-${account}` } });
    if (method === 'POST' && (path === sources || path === `${sources}/refreshlist`)) {
      this.orders += 1;
      return ok({ status: 'Success', message: `monitorapi/${poolUuid}/${logpointId}/orders/order-${this.orders}` });
    }
    if (method === 'GET' && path.startsWith(`/monitorapi/${poolUuid}/${logpointId}/orders/`)) return ok({ response: { success: true, message: 'Done' } });
    // Only the caller's own source: the bench measures pacing, not list sizes.
    if (method === 'GET' && path === sources) return ok([source]);
    if (method === 'GET' && path === `${sources}/src-${account}`) return ok(source);
    return { status: 404, body: { status: 'Error', message: `No route ${method} ${path}` } };
  }
}

export function logSourceName(account: string): string {
  return `CloudTrail-${account}`;
}

function ok(body: unknown): Reply {
  return { status: 200, body };
}
