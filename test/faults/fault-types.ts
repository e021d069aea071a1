import type { Sandbox, SandboxOptions } from '../../local/sandbox/environment.js';
import type { LocalRunResult } from '../../local/sandbox/state-machine-runner.js';
import type { RunOptions } from '../../local/sandbox/workflow-runner.js';
import type { AwsFaults } from './aws-faults.js';

/** What a fault of the battery is, and the small builders the catalogue writes its acts with. */

export type Workflow = 'onboard' | 'offboard' | 'rotate';

export interface RunRecord {
  workflow: Workflow;
  result: LocalRunResult;
  /** Secrets Manager refused to start the rotation (one already in progress): no product code ran. */
  refused?: boolean;
}

export interface FaultContext {
  sandbox: Sandbox;
  accountId: string;
  /** The account's onboarding input. */
  input: Record<string, unknown>;
  aws: AwsFaults;
}

export type CrashSpec = NonNullable<RunOptions['crashes']>[number];

export interface Fault {
  /** Unique, kebab-case: what `FAULT=<name>` and `-t` select. */
  name: string;
  /** The state (or rotation) where the fault is injected: where it hurts. */
  step: string;
  /** What is injected, in words. */
  injected: string;
  /** `first`: a fresh account; `rerun`: an account onboarded once, cleanly, before the fault. */
  path: 'first' | 'rerun';
  /** Overrides of the battery's sandbox options (a short Director timeout, say). */
  sandbox?: SandboxOptions;
  /** Injects the fault and runs the workflow(s) it hits. */
  act: (context: FaultContext) => Promise<RunRecord[]>;
  /** The clean re-run that must repair whatever the fault left: onboarding unless said otherwise. */
  repair?: 'onboard' | 'offboard';
  /**
   * The fault crashes the compensating step (Compensate, DescribeOffboardingFailure) on every
   * attempt: no product can then leave a complete, previous or empty account, so that one check
   * waits for the repair run. Set only by faults that do exactly this.
   */
  killsCompensation?: boolean;
}

/** Runs one workflow for the context's account, as the battery and the property test both do. */
export async function runWorkflow(context: FaultContext, workflow: Workflow, options: RunOptions = {}): Promise<RunRecord> {
  const { sandbox, accountId, input } = context;
  if (workflow === 'onboard') return { workflow, result: await sandbox.run(input, options) };
  if (workflow === 'offboard') return { workflow, result: await sandbox.offboard({ accountId, trigger: 'fault-battery' }, options) };
  try {
    return { workflow, result: await sandbox.rotate(accountId, options) };
  } catch (error) {
    // RotateSecret itself was refused (a rotation still unfinished): Secrets Manager's answer, not the product's.
    const message = error instanceof Error ? error.message : String(error);
    return { workflow, refused: true, result: { status: 'FAILED', output: null, error: { code: 'RotateSecretRefused', message }, events: [], transitions: 0 } };
  }
}

type Inject = (context: FaultContext) => void;

/** An act: inject, then run one workflow (with crashes planted, if any). */
export function single(workflow: Workflow, inject: Inject, crashes: CrashSpec[] = []): Fault['act'] {
  return async (context) => {
    inject(context);
    return [await runWorkflow(context, workflow, crashes.length > 0 ? { crashes } : {})];
  };
}

export const onboarding = (inject: Inject, crashes: CrashSpec[] = []): Fault['act'] => single('onboard', inject, crashes);
export const offboarding = (inject: Inject, crashes: CrashSpec[] = []): Fault['act'] => single('offboard', inject, crashes);
export const rotation = (inject: Inject): Fault['act'] => single('rotate', inject);

/** An act that starts several workflows for the account at the same moment. */
export function together(workflows: Workflow[], inject: Inject = () => undefined): Fault['act'] {
  return async (context) => {
    inject(context);
    return Promise.all(workflows.map((workflow) => runWorkflow(context, workflow)));
  };
}

export const nothing: Inject = () => undefined;
