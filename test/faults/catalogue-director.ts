import type { Fault } from './fault-types.js';
import { offboarding, onboarding, rotation, runWorkflow } from './fault-types.js';

/**
 * Director faults, each on the call where it hurts: the create (POST) and edit (PUT) that carry
 * the key, the lookups a re-run depends on, the order poll, and the offboarding's DELETE. "After
 * apply" faults lose the answer of a write Director did apply: the client cannot tell it from a
 * write that never arrived, and must find out before it writes again.
 */

const POST = 'POST /LogSources';
const PUT = 'PUT /LogSources/*';
const LIST = 'GET /LogSources';
const BY_ID = 'GET /LogSources/*';
const ORDERS = 'GET /orders/*';
const DELETE = 'DELETE /LogSources/*';

/**
 * Orders that take 60 ms: a blind second write (milliseconds later) arrives while the first is
 * still pending, so it cannot luckily find the first one's source already there. Waits of 5 ms
 * keep the order deadline (30 virtual minutes, some 34 polls) far behind the order.
 */
const SLOW_ORDERS = { waitMs: 5, director: { orderDelayMs: 60 } };
/** The client gives up after 1 s (the config's minimum); the simulator holds the answer 1.5 s. */
const SHORT_TIMEOUT = { ...SLOW_ORDERS, config: { director: { requestTimeoutMs: 1000 } } };
const SLOW_REPLY_MS = 1500;
const SERVER_ERRORS = [500, 502, 503, 504] as const;

const statusFaults: Fault[] = [
  {
    name: 'director-401-stored-token-expired-rerun',
    step: 'RegisterLogSource',
    injected: 'every stored Director token expired before a re-run (401, then refresh)',
    path: 'rerun',
    act: onboarding(({ sandbox }) => sandbox.director.faults.expireAllTokens()),
  },
  {
    name: 'director-401-on-create',
    step: 'RegisterLogSource',
    injected: `401 on ${POST} once`,
    path: 'first',
    act: onboarding(({ sandbox }) => sandbox.director.faults.failRoute(POST, { status: 401 })),
  },
  {
    name: 'director-401-on-order-poll',
    step: 'CheckOrder',
    injected: `401 on ${ORDERS} once`,
    path: 'first',
    act: onboarding(({ sandbox }) => sandbox.director.faults.failRoute(ORDERS, { status: 401 })),
  },
  {
    name: 'director-403-on-create',
    step: 'RegisterLogSource',
    injected: `403 on ${POST}`,
    path: 'first',
    act: onboarding(({ sandbox }) => sandbox.director.faults.failRoute(POST, { status: 403 })),
  },
  {
    name: 'director-403-on-edit-rerun',
    step: 'RegisterLogSource',
    injected: `403 on ${PUT}`,
    path: 'rerun',
    act: onboarding(({ sandbox }) => sandbox.director.faults.failRoute(PUT, { status: 403 })),
  },
  {
    name: 'director-404-on-create',
    step: 'RegisterLogSource',
    injected: `404 on ${POST}`,
    path: 'first',
    act: onboarding(({ sandbox }) => sandbox.director.faults.failRoute(POST, { status: 404 })),
  },
  {
    name: 'director-404-on-recorded-source-rerun',
    step: 'RegisterLogSource',
    injected: `404 on ${BY_ID}: the source id recorded on the secret is not found`,
    path: 'rerun',
    act: onboarding(({ sandbox }) => sandbox.director.faults.failRoute(BY_ID, { status: 404 })),
  },
  {
    name: 'director-429-retry-after-on-create',
    step: 'RegisterLogSource',
    injected: `429 with Retry-After: 1 on ${POST}, twice`,
    path: 'first',
    act: onboarding(({ sandbox }) => sandbox.director.faults.throttle(2, { retryAfter: 1, route: POST })),
  },
  {
    name: 'director-429-retry-after-on-order-poll',
    step: 'CheckOrder',
    injected: `429 with Retry-After: 1 on ${ORDERS} once`,
    path: 'first',
    act: onboarding(({ sandbox }) => sandbox.director.faults.throttle(1, { retryAfter: 1, route: ORDERS })),
  },
  ...SERVER_ERRORS.map((status): Fault => ({
    name: `director-${status}-on-create`,
    step: 'RegisterLogSource',
    injected: `${status} on ${POST} once, before anything is applied`,
    path: 'first',
    act: onboarding(({ sandbox }) => sandbox.director.faults.failRoute(POST, { status })),
  })),
  ...SERVER_ERRORS.map((status): Fault => ({
    name: `director-${status}-on-order-poll`,
    step: 'CheckOrder',
    injected: `${status} on ${ORDERS}, 5 times (more than one call's attempts)`,
    path: 'first',
    act: onboarding(({ sandbox }) => sandbox.director.faults.failRoute(ORDERS, { status, count: 5 })),
  })),
  {
    name: 'director-503-on-every-create',
    step: 'RegisterLogSource',
    injected: `503 on every ${POST}: the step's retries run out`,
    path: 'first',
    act: onboarding(({ sandbox }) => sandbox.director.faults.failRoute(POST, { status: 503, count: Infinity })),
  },
  {
    name: 'director-500-on-every-lookup-rerun',
    step: 'RegisterLogSource',
    injected: `500 on every ${LIST} during a re-run`,
    path: 'rerun',
    act: onboarding(({ sandbox }) => sandbox.director.faults.failRoute(LIST, { status: 500, count: Infinity })),
  },
];

const lostAnswerFaults: Fault[] = [
  {
    name: 'director-drop-before-create',
    step: 'RegisterLogSource',
    injected: `connection dropped before ${POST} is applied`,
    path: 'first',
    act: onboarding(({ sandbox }) => sandbox.director.faults.dropConnections(1, POST)),
  },
  {
    name: 'director-drop-before-order-poll',
    step: 'CheckOrder',
    injected: `connection dropped on ${ORDERS}, twice`,
    path: 'first',
    act: onboarding(({ sandbox }) => sandbox.director.faults.dropConnections(2, ORDERS)),
  },
  {
    name: 'director-drop-after-create-applied',
    step: 'RegisterLogSource',
    injected: `connection dropped after ${POST} was applied`,
    path: 'first',
    sandbox: SLOW_ORDERS,
    act: onboarding(({ sandbox }) => sandbox.director.faults.dropAfterApply(1, POST)),
  },
  {
    name: 'director-drop-after-edit-applied-rerun',
    step: 'RegisterLogSource',
    injected: `connection dropped after ${PUT} was applied`,
    path: 'rerun',
    sandbox: SLOW_ORDERS,
    act: onboarding(({ sandbox }) => sandbox.director.faults.dropAfterApply(1, PUT)),
  },
  {
    name: 'director-500-after-create-applied',
    step: 'RegisterLogSource',
    injected: `500 answered after ${POST} was applied`,
    path: 'first',
    sandbox: SLOW_ORDERS,
    act: onboarding(({ sandbox }) => sandbox.director.faults.failAfterApply(500, { route: POST })),
  },
  {
    name: 'director-502-after-edit-applied-rerun',
    step: 'RegisterLogSource',
    injected: `502 answered after ${PUT} was applied`,
    path: 'rerun',
    sandbox: SLOW_ORDERS,
    act: onboarding(({ sandbox }) => sandbox.director.faults.failAfterApply(502, { route: PUT })),
  },
  {
    name: 'director-slow-reply-after-create-applied',
    step: 'RegisterLogSource',
    injected: `${POST} applied, answer held ${SLOW_REPLY_MS} ms past the 1000 ms client timeout`,
    path: 'first',
    sandbox: SHORT_TIMEOUT,
    act: onboarding(({ sandbox }) => sandbox.director.faults.delayReplyAfterApply(SLOW_REPLY_MS, { route: POST })),
  },
  {
    name: 'director-slow-reply-after-edit-applied-rerun',
    step: 'RegisterLogSource',
    injected: `${PUT} applied, answer held ${SLOW_REPLY_MS} ms past the 1000 ms client timeout`,
    path: 'rerun',
    sandbox: SHORT_TIMEOUT,
    act: onboarding(({ sandbox }) => sandbox.director.faults.delayReplyAfterApply(SLOW_REPLY_MS, { route: PUT })),
  },
];

/**
 * The simulator's clock, held still while a run waits for its order and released when the run has
 * ended: the order is still pending when the run's deadline passes, and applies afterwards.
 */
class HeldClock {
  private heldAt: number | null = null;
  readonly now = (): number => this.heldAt ?? Date.now();
  hold(): void {
    this.heldAt = Date.now();
  }
  release(): void {
    this.heldAt = null;
  }
}

function lateOrderFault(path: Fault['path']): Fault {
  const clock = new HeldClock();
  return {
    name: `director-order-applies-after-deadline${path === 'rerun' ? '-rerun' : ''}`,
    step: 'CheckOrder',
    injected: `the ${path === 'rerun' ? 'edit' : 'create'} order is still pending at the order deadline, and applies after the run gave up`,
    path,
    sandbox: { director: { clock: clock.now } },
    act: async (context) => {
      clock.hold();
      try {
        return [await runWorkflow(context, 'onboard')];
      } finally {
        clock.release();
      }
    },
  };
}

const orderFaults: Fault[] = [
  lateOrderFault('first'),
  lateOrderFault('rerun'),
  {
    name: 'director-order-fails',
    step: 'CheckOrder',
    injected: 'the create order fails (validation error), nothing applied',
    path: 'first',
    act: onboarding(({ sandbox }) => sandbox.director.faults.failOrders(1, { validationErrors: { 'config.Connector.bucket_name': ['Access denied.'] } })),
  },
  {
    name: 'director-order-fails-rerun',
    step: 'CheckOrder',
    injected: 'the edit order of a re-run fails, nothing applied',
    path: 'rerun',
    act: onboarding(({ sandbox }) => sandbox.director.faults.failOrders(1)),
  },
  {
    name: 'director-order-never-finishes',
    step: 'CheckOrder',
    injected: 'the create order stays in progress past the order deadline',
    path: 'first',
    act: onboarding(({ sandbox }) => sandbox.director.faults.neverFinishOrders(1)),
  },
  {
    name: 'director-order-never-finishes-rerun',
    step: 'CheckOrder',
    injected: 'the edit order stays in progress past the order deadline',
    path: 'rerun',
    act: onboarding(({ sandbox }) => sandbox.director.faults.neverFinishOrders(1)),
  },
  {
    name: 'director-order-lost',
    step: 'CheckOrder',
    injected: `the create order answers 404 on ${ORDERS} while it still applies`,
    path: 'first',
    act: onboarding(({ sandbox }) => sandbox.director.faults.loseOrders(1)),
  },
  {
    name: 'director-order-lost-rerun',
    step: 'CheckOrder',
    injected: `the edit order answers 404 on ${ORDERS} while it still applies`,
    path: 'rerun',
    act: onboarding(({ sandbox }) => sandbox.director.faults.loseOrders(1)),
  },
];

const otherWorkflowFaults: Fault[] = [
  {
    name: 'director-drop-after-delete-applied',
    step: 'DeleteLogSource',
    injected: `connection dropped after the offboarding's ${DELETE} was applied`,
    path: 'rerun',
    repair: 'offboard',
    act: offboarding(({ sandbox }) => sandbox.director.faults.dropAfterApply(1, DELETE)),
  },
  {
    name: 'director-delete-order-fails',
    step: 'CheckOrder',
    injected: "the offboarding's DELETE order fails, nothing applied",
    path: 'rerun',
    repair: 'offboard',
    act: offboarding(({ sandbox }) => sandbox.director.faults.failOrders(1)),
  },
  {
    name: 'director-drop-after-rotation-edit-applied',
    step: 'KeyRotation/setSecret',
    injected: `connection dropped after the rotation's ${PUT} (new key) was applied`,
    path: 'rerun',
    act: rotation(({ sandbox }) => sandbox.director.faults.dropAfterApply(1, PUT)),
  },
  {
    name: 'director-rotation-edit-order-fails',
    step: 'KeyRotation/setSecret',
    injected: "the rotation's edit order fails, nothing applied",
    path: 'rerun',
    act: rotation(({ sandbox }) => sandbox.director.faults.failOrders(1)),
  },
];

export const directorFaults: Fault[] = [...statusFaults, ...lostAnswerFaults, ...orderFaults, ...otherWorkflowFaults];
