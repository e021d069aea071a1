import type { FaultInjector } from './faults.js';
import type { OrderBook } from './orders.js';
import type { ReadStyle } from './read-shape.js';
import type { DirectorState } from './state.js';
import type { TokenAuthority } from './tokens.js';
import type { OrderPathStyle } from './types.js';

/** Everything a route handler may read or change. One per simulator instance. */
export interface SimulatorContext extends ReadStyle {
  readonly poolUuid: string;
  readonly logpointId: string;
  readonly orderPathStyle: OrderPathStyle;
  readonly orderResponseIncludesId: boolean;
  readonly staleListsUntilRefresh: boolean;
  readonly extraFields: boolean;
  readonly tokens: TokenAuthority;
  readonly faults: FaultInjector;
  /** Replaced on reset, hence not readonly. */
  state: DirectorState;
  readonly orders: OrderBook;
  recordOperation(operation: string): void;
}

/** The parts of an HTTP request the routes need; the body is already read. */
export interface ApiRequest {
  method: string;
  /** As requested, no query string. */
  path: string;
  authorization: string | undefined;
  bodyText: string;
}
