import { randomUUID } from 'node:crypto';
import type { LogSourceOrder, OrderAction } from './log-source-orders.js';
import type { Clock, JsonObject, OrderPathStyle } from './types.js';

/**
 * What completing an order does, as data (so an order still pending can be exported and re-queued,
 * state-export.ts): fail with an injected `response`, take the refreshlist snapshot, or run a
 * LogSources write (log-source-orders.ts).
 */
export type OrderEffect =
  | { kind: 'fail'; response: JsonObject }
  | { kind: 'refreshlist' }
  | { kind: 'log-source'; order: LogSourceOrder & { action: Exclude<OrderAction, 'refreshlist'> } };

/**
 * Director's asynchronous orders. An order's progress is a function of time: queued for the first
 * half of the delay, in progress for the second, then complete. Completion runs the order's
 * effect; `settle()` does that for every due order in due order, and the simulator calls it before
 * it answers any request or handle query, so no timer is needed and a fake clock drives it all.
 */
export interface SubmittedOrder {
  action: OrderAction;
  /** What the pending order view shows as `request.data`; secrets already masked. */
  shownData: JsonObject;
  neverFinish: boolean;
  /** Hidden from `view` (the monitor API answers 404) while it still settles: the lost-order fault. */
  lost: boolean;
  effect: OrderEffect;
}

export interface OrderRecord extends SubmittedOrder {
  requestId: string;
  createdAt: number;
  dueAt: number;
  sequence: number;
  /** Set when the order completed. */
  response?: JsonObject;
}

export function orderPath(style: OrderPathStyle, poolUuid: string, logpointId: string, requestId: string): string {
  const tail = `${poolUuid}/${logpointId}/orders/${requestId}`;
  if (style === 'leading-slash') return `/monitorapi/${tail}`;
  if (style === 'v1') return `/monitorapi/v1/${tail}`;
  return `monitorapi/${tail}`;
}

export class OrderBook {
  private readonly orders = new Map<string, OrderRecord>();
  private sequence = 0;

  /** `run` applies an effect (or not) and returns the order's `response`. */
  constructor(
    private readonly clock: Clock,
    private readonly delayMs: number,
    private readonly run: (effect: OrderEffect) => JsonObject,
  ) {}

  submit(order: SubmittedOrder): string {
    const requestId = randomUUID();
    const createdAt = this.clock();
    this.sequence += 1;
    this.orders.set(requestId, { ...order, requestId, createdAt, dueAt: createdAt + this.delayMs, sequence: this.sequence });
    return requestId;
  }

  /** Completes every due order, earliest first. */
  settle(): void {
    const now = this.clock();
    const due = [...this.orders.values()]
      .filter((order) => order.response === undefined && !order.neverFinish && order.dueAt <= now)
      .sort((a, b) => a.dueAt - b.dueAt || a.sequence - b.sequence);
    for (const order of due) order.response = this.run(order.effect);
  }

  /** The order as `GET .../orders/{request_id}` shows it, or undefined for an unknown id. */
  view(requestId: string, poolUuid: string, logpointId: string): JsonObject | undefined {
    const order = this.orders.get(requestId.toLowerCase());
    if (order === undefined || order.lost) return undefined;
    const location = { pool_uuid: poolUuid, logpoint_identifier: logpointId };
    if (order.response !== undefined) return { request: {}, response: order.response, ...location };
    // Halfway between submission and due time; an order keeps its own times across an export.
    const inProgress = this.clock() >= order.createdAt + (order.dueAt - order.createdAt) / 2;
    return {
      request: { data: order.shownData, action: order.action, ...(inProgress ? { in_progress: true } : {}) },
      response: {},
      ...location,
    };
  }

  /** Every order, pending and completed, in submission order (for an export; not copies). */
  records(): readonly OrderRecord[] {
    return [...this.orders.values()];
  }

  /** Replaces every order with `records` (an export's), each keeping its id, times and effect. */
  restore(records: readonly OrderRecord[]): void {
    this.clear();
    for (const record of records) this.orders.set(record.requestId.toLowerCase(), record);
    this.sequence = records.reduce((highest, record) => Math.max(highest, record.sequence), 0);
  }

  clear(): void {
    this.orders.clear();
  }
}
