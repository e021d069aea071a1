import type { Sandbox, SandboxOptions } from './environment.js';
import type { ExecutionEvent, LocalRunResult } from './state-machine-runner.js';
import { SANDBOX_ACCOUNT_ID } from './constants.js';

export interface ScenarioContext {
  sandbox: Sandbox;
  /** Runs one onboarding execution, reporting its events as they happen (to `onEvent` too, when given). */
  onboard: (input?: Record<string, unknown>, options?: { onEvent?: (event: ExecutionEvent) => void }) => Promise<LocalRunResult>;
  /** Runs one fleet execution: the sandbox organization's accounts through the onboarding workflow. */
  fleet: (input?: Record<string, unknown>) => Promise<LocalRunResult>;
  /** Runs one reconciliation: drift found, recorded and (where safe) repaired. */
  reconcile: (input?: Record<string, unknown>) => Promise<LocalRunResult>;
  /** Runs one offboarding execution. */
  offboard: (input?: Record<string, unknown>) => Promise<LocalRunResult>;
  /** Rotates the account secret's key now, the four Secrets Manager steps in order. */
  rotate: (accountId?: string) => Promise<LocalRunResult>;
  /** Tells the person watching what the scenario does next. */
  say: (line: string) => void;
}

export interface Scenario {
  name: string;
  summary: string;
  /** What the scenario is expected to end in; the CLI exits 1 whenever the last run failed. */
  expected: 'SUCCEEDED' | 'FAILED';
  /** The error code a FAILED scenario ends with. */
  expectedError?: string;
  /** The account the scenario is about. @default the sandbox's sample account */
  accountId?: string;
  sandbox?: SandboxOptions;
  /** Director's request limit the scenario sets (requests per second), for the fleet summary's utilization. */
  directorRate?: number;
  /** The runs of the scenario; by default one onboarding of the sample account. */
  play?: (context: ScenarioContext) => Promise<LocalRunResult[]>;
}

/** The onboarding of the sample account a scenario runs by default. */
export const sampleInput = { accountId: SANDBOX_ACCOUNT_ID, trigger: 'sandbox' };
