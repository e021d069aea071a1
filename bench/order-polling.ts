import { DEFAULT_ORDER_POLLING, type OrderPolling } from '../lambda/contract/runtime-settings.js';
import type { DirectorClient, OrderStatus } from '../lambda/director/index.js';
import { checkOrder } from '../lambda/onboarding/order-poll.js';
import { resolveOnboardingRequest } from '../lambda/onboarding/request.js';
import { loadAppConfig, runtimeSettingsFromConfig } from '../lib/product/app-config.js';

/**
 * How late CheckOrder sees a finished Director order, and how many CheckOrder invocations it
 * takes, against looking every 5 s. The onboarding workflow's loop is played on a simulated clock:
 * StartOrderPolling waits `initialWaitSeconds`, then each CheckOrder (the real function) looks
 * and says how long WaitForOrder sleeps. These figures do not depend on the machine.
 */

export interface PollingFigure {
  orderSeconds: number;
  /** Seconds between the order's completion and the look that saw it. */
  delaySeconds: number;
  invocations: number;
  /** The same with a look every 5 s (the first 5 s after the write). */
  fixed5sDelaySeconds: number;
  fixed5sInvocations: number;
}

const ORDER_SECONDS = [5, 30, 120, 600] as const;
const FIXED_INTERVAL_SECONDS = 5;

/** A Director whose one order is pending until `orderSeconds` of simulated time have passed. */
function directorWithOrderDoneAt(orderSeconds: number, clock: { seconds: number }): DirectorClient {
  const stub = {
    getOrder: (): Promise<OrderStatus> =>
      Promise.resolve(clock.seconds >= orderSeconds ? { state: 'succeeded', id: 'LogSources/0a1b2c3d-0000-4000-8000-000000000000' } : { state: 'pending' }),
  };
  // CheckOrder reads only getOrder of a pending or succeeded order: a stub of that one method stands in for the client.
  return stub as unknown as DirectorClient;
}

async function pollsUntilSeen(polling: OrderPolling, orderSeconds: number): Promise<{ delaySeconds: number; invocations: number }> {
  const start = Date.parse('2026-01-01T00:00:00Z');
  const clock = { seconds: polling.initialWaitSeconds };
  const director = directorWithOrderDoneAt(orderSeconds, clock);
  const request = resolveOnboardingRequest({ accountId: '111122223333' }, runtimeSettingsFromConfig(loadAppConfig().config));
  const registration = {
    operation: 'CREATE' as const,
    logSourceName: request.logSourceName,
    logSourceId: null,
    orderPath: '/monitorapi/pool/logpoint/orders/1',
    requestId: '1',
    submittedAt: new Date(start).toISOString(),
  };
  for (let attempt = 0; ; attempt += 1) {
    const poll = await checkOrder(
      director,
      polling,
      { request, registration, attempt, executionStartTime: new Date(start).toISOString() },
      new Date(start + clock.seconds * 1000),
    );
    if (poll.status === 'SUCCEEDED') return { delaySeconds: clock.seconds - orderSeconds, invocations: attempt + 1 };
    clock.seconds += poll.nextWaitSeconds;
  }
}

/** The figures for orders that finish after `orders` seconds (default 5 s, 30 s, 2 min and 10 min). */
export async function orderPollingFigures(polling: OrderPolling = DEFAULT_ORDER_POLLING, orders: readonly number[] = ORDER_SECONDS): Promise<PollingFigure[]> {
  const figures: PollingFigure[] = [];
  for (const orderSeconds of orders) {
    const { delaySeconds, invocations } = await pollsUntilSeen(polling, orderSeconds);
    const fixed5sInvocations = Math.ceil(orderSeconds / FIXED_INTERVAL_SECONDS);
    figures.push({
      orderSeconds,
      delaySeconds,
      invocations,
      fixed5sDelaySeconds: fixed5sInvocations * FIXED_INTERVAL_SECONDS - orderSeconds,
      fixed5sInvocations,
    });
  }
  return figures;
}
