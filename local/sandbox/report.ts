import { readRegistry, type RegistryItem } from '../../lambda/registry/registry-items.js';
import { ErrorCode } from '../../lambda/contract/error-codes.js';
import { fetchSignalsOf } from '../../lambda/shared/fetch-signals.js';
import { isOwnedLogSource } from '../../lambda/shared/log-source-body.js';
import { countAwsCalls } from './aws-call-log.js';
import type { Sandbox } from './environment.js';
import type { Scenario } from './scenarios.js';
import { fleetFiguresOf, type FleetFigures } from './fleet-figures.js';
import type { ExecutionEvent, LocalRunResult } from './state-machine-runner.js';

/** The `--json` summary: a contract that checks outside the repository rely on. Never a secret. */
export interface ScenarioSummary {
  scenario: string;
  status: 'SUCCEEDED' | 'FAILED';
  error: { code: string; message: string } | null;
  accountId: string;
  transitions: number;
  director: { logSources: unknown[]; operations: string[] };
  aws: {
    users: string[];
    accessKeys: { userName: string; accessKeyId: string; status: string }[];
    secrets: string[];
    secretsScheduledForDeletion: string[];
    /** How often the handlers called each AWS operation during the scenario's runs, e.g. `{ "IAM.GetUser": 2 }`. */
    calls: Record<string, number>;
  };
  events: { detailType: string; detail: Record<string, unknown> }[];
  /**
   * Whether Logpoint fetches: the outcome of the last onboarding's data-plane watch (`FETCH_FAILED`
   * when it failed the run; null when no run got that far), and what Director reports now.
   */
  dataPlane: { outcome: DataPlaneOutcome | null; lastLogReceived: string | null; fetchStatus: string | null };
  runs: { status: string; error: { code: string; message: string } | null; transitions: number; output: unknown }[];
  /** How the mode in force collects logs, and the account registry's items (account, mode, state, coverage, source). */
  collection: { mode: string; registry: RegistryItem[] };
  /** A fleet run's totals (the `fleet` scenario only). */
  fleet?: FleetFigures;
}

export async function summarize(scenario: Scenario, sandbox: Sandbox, runs: LocalRunResult[], accountId: string): Promise<ScenarioSummary> {
  const last = runs.at(-1);
  const aws = sandbox.aws.summary();
  return {
    scenario: scenario.name,
    status: last?.status ?? 'FAILED',
    error: last ? last.error : { code: 'NO_RUN', message: 'The scenario ran no execution.' },
    accountId,
    transitions: runs.reduce((sum, run) => sum + run.transitions, 0),
    director: { logSources: sandbox.director.logSources(), operations: [...sandbox.director.operations] },
    aws: {
      users: aws.users,
      accessKeys: aws.accessKeys,
      secrets: aws.secrets,
      secretsScheduledForDeletion: aws.secretsScheduledForDeletion,
      calls: countAwsCalls(sandbox.awsCalls()),
    },
    events: sandbox.events.map(({ detailType, detail }) => ({ detailType, detail })),
    dataPlane: dataPlaneOf(runs, sandbox.director.logSources(), accountId),
    runs: runs.map(({ status, error, transitions, output }) => ({ status, error, transitions, output })),
    collection: { mode: sandbox.settings.collection.mode, registry: await registryOf(sandbox) },
    ...(scenario.name === 'fleet' && last ? { fleet: fleetFiguresOf(last, sandbox, scenario.directorRate) } : {}),
  };
}

/** The registry's items as the product reads them (lambda/registry/registry-items.ts), in account order. */
function registryOf(sandbox: Sandbox): Promise<RegistryItem[]> {
  return readRegistry(sandbox.aws.dynamo, sandbox.aws.accountRegistryTable);
}

type DataPlaneOutcome = 'ONBOARDED' | 'REGISTERED_NO_DATA_YET' | 'FETCH_FAILED';

function dataPlaneOf(runs: readonly LocalRunResult[], sources: readonly Record<string, unknown>[], accountId: string): ScenarioSummary['dataPlane'] {
  let outcome: DataPlaneOutcome | null = null;
  for (const run of runs) {
    if (run.error?.code === ErrorCode.FETCH_FAILED) outcome = 'FETCH_FAILED';
    const watched = (run.output as { dataPlane?: { outcome?: unknown } } | null | undefined)?.dataPlane?.outcome;
    if (watched === 'ONBOARDED' || watched === 'REGISTERED_NO_DATA_YET') outcome = watched;
  }
  // What Director reports now, as the product reads it (one source per account in this sandbox).
  const source = sources.find((candidate) => isOwnedLogSource(candidate, accountId)) ?? sources[0];
  const signals = source ? fetchSignalsOf(source) : null;
  return { outcome, lastLogReceived: signals?.lastLogReceived ?? null, fetchStatus: signals?.fetchStatus ?? null };
}

const ICON = { entered: '▶', exited: '✔', failed: '✖', retried: '↻', caught: '↪' } as const;

/** Prints each state as it is entered and left, with its duration, for a person watching. */
export function createProgressPrinter(write: (line: string) => void): (event: ExecutionEvent) => void {
  const enteredAt = new Map<string, number>();
  // A state whose error was caught still "exits", with its input plus the error: not a success.
  const caught = new Set<string>();
  let startedAt = 0;
  const clock = (at: number): string => `+${((at - startedAt) / 1000).toFixed(2).padStart(6)}s`;
  return (event) => {
    switch (event.kind) {
      case 'started':
        startedAt = event.at;
        write(`${clock(event.at)}  execution started`);
        return;
      case 'entered':
        enteredAt.set(event.state, event.at);
        write(`${clock(event.at)}  ${ICON.entered} ${event.state}${describeEntry(event)}`);
        return;
      case 'exited': {
        const took = event.at - (enteredAt.get(event.state) ?? event.at);
        if (caught.delete(event.state)) {
          write(`${clock(event.at)}  ${ICON.caught} ${event.state.padEnd(20)} ${String(took).padStart(5)} ms  left for Compensate`);
          return;
        }
        write(`${clock(event.at)}  ${ICON.exited} ${event.state.padEnd(20)} ${String(took).padStart(5)} ms${describeExit(event)}`);
        return;
      }
      case 'failed':
        write(`${clock(event.at)}  ${ICON.failed} ${event.state} failed: ${event.error} — ${event.cause}`);
        return;
      case 'retried':
        write(`${clock(event.at)}  ${ICON.retried} ${event.state} retry ${event.attempt}`);
        return;
      case 'caught':
        caught.add(event.state);
        return;
      case 'succeeded':
        write(`${clock(event.at)}  execution succeeded`);
        return;
      case 'execution-failed':
        write(`${clock(event.at)}  execution failed: ${event.error}`);
        return;
    }
  };
}

function describeEntry(event: Extract<ExecutionEvent, { kind: 'entered' }>): string {
  if (event.state !== 'WaitForOrder') return '';
  const seconds = (event.input as { order?: { nextWaitSeconds?: number } } | undefined)?.order?.nextWaitSeconds;
  return seconds === undefined ? '' : ` (${seconds} s in the definition)`;
}

function describeExit(event: Extract<ExecutionEvent, { kind: 'exited' }>): string {
  const output = event.output as Record<string, unknown> | undefined;
  switch (event.state) {
    case 'CheckBucket':
      return facts(
        output?.bucket,
        (bucket) => `${String(bucket.bucketRegion)}, ${bucket.kmsKeyArn ? 'SSE-KMS' : 'no KMS'}, logs under ${String(bucket.logPrefix)}`,
      );
    case 'ProvisionReader':
      return facts(output?.reader, (reader) => `user ${String(reader.userName)}, key ${String(reader.accessKeyId)}`);
    case 'VerifyAccess':
      return facts(output?.access, (access) => `read ${String(access.bytesRead)} bytes of ${String(access.objectKey)}`);
    case 'RegisterLogSource':
      return facts(
        output?.registration,
        (registration) => `${String(registration.operation)} ${String(registration.logSourceName)}, order ${String(registration.requestId)}`,
      );
    case 'CheckOrder':
      return facts(output?.order, (order) => `order ${String(order.status).toLowerCase()}`);
    case 'CheckDataFlow':
      return facts((output?.result as Record<string, unknown> | undefined)?.dataPlane, (dataPlane) => String(dataPlane.note));
    case 'Compensate':
      return facts(output?.failure, (failure) => {
        const cleanup = failure.cleanup as { deletedAccessKeys: string[]; deletedUser: boolean; deletedSecret: boolean };
        return `removed ${cleanup.deletedAccessKeys.length} key(s)${cleanup.deletedUser ? ', the user' : ''}${cleanup.deletedSecret ? ', the secret' : ''}`;
      });
    default:
      return '';
  }
}

function facts(value: unknown, describe: (record: Record<string, unknown>) => string): string {
  return typeof value === 'object' && value !== null ? `  ${describe(value as Record<string, unknown>)}` : '';
}

/** A few lines a person can read at the end. */
export function humanSummary(summary: ScenarioSummary): string[] {
  const lines = [
    '',
    `Scenario "${summary.scenario}" — account ${summary.accountId}: ${summary.status}` +
      (summary.error ? ` with ${summary.error.code}` : '') +
      ` (${summary.runs.length} run(s), ${summary.transitions} state transitions)`,
  ];
  if (summary.error) lines.push(`  error:       ${summary.error.message}`);
  const sources = summary.director.logSources as { id?: string; name?: string }[];
  lines.push(`  Director:    ${sources.length} log source(s)${sources.map((source) => ` ${source.name ?? '?'} (${source.id ?? '?'})`).join(',')}`);
  lines.push(`  writes:      ${summary.director.operations.length === 0 ? 'none' : summary.director.operations.map((op) => op.split(' ')[0]).join(', ')}`);
  lines.push(`  IAM users:   ${summary.aws.users.join(', ') || 'none'}`);
  lines.push(`  access keys: ${summary.aws.accessKeys.map((key) => `${key.accessKeyId} (${key.status})`).join(', ') || 'none'}`);
  lines.push(`  secrets:     ${summary.aws.secrets.join(', ') || 'none'}`);
  lines.push(`  AWS calls:   ${describeCallCounts(summary.aws.calls)}`);
  lines.push(`  events:      ${summary.events.map((event) => event.detailType).join(', ') || 'none'}`);
  const { outcome, lastLogReceived, fetchStatus } = summary.dataPlane;
  lines.push(`  data plane:  ${outcome ?? 'not checked'} (last log received ${lastLogReceived ?? 'never'}, fetch status ${fetchStatus ?? 'none'})`);
  const registry = summary.collection.registry.map(
    (item) => `${item.accountId} ${item.state ?? '(no state)'}${item.drift.length > 0 ? ` (drift: ${item.drift.join(', ')})` : ''}`,
  );
  lines.push(`  collection:  ${summary.collection.mode}; registry ${registry.join(', ') || 'empty'}`);
  return lines;
}

/** `24 (IAM 10, SecretsManager 8, S3 6)`: the handlers' AWS calls per service. */
function describeCallCounts(calls: Record<string, number>): string {
  const perService = new Map<string, number>();
  for (const [call, count] of Object.entries(calls)) {
    const service = call.split('.')[0] ?? call;
    perService.set(service, (perService.get(service) ?? 0) + count);
  }
  const total = [...perService.values()].reduce((sum, count) => sum + count, 0);
  return total === 0 ? 'none' : `${total} (${[...perService].map(([service, count]) => `${service} ${count}`).join(', ')})`;
}
