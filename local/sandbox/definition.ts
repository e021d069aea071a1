import { App } from 'aws-cdk-lib';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AppConfig } from '../../lib/product/app-config.js';
import { SYNTHESIS_CACHE_DIR_ENV } from './constants.js';
import { OnboardingStack } from '../../lib/product/onboarding-stack.js';
import { OnboardingState } from '../../lambda/contract/onboarding-states.js';
import { OffboardingState } from '../../lambda/contract/offboarding-states.js';
import type { FleetTaskName } from '../../lambda/contract/fleet-states.js';
import type { ReconcileTaskName } from '../../lambda/contract/reconcile-states.js';

export interface SynthesizedWorkflows {
  /** The onboarding definition (Amazon States Language), references resolved to fake ARNs. */
  onboarding: Record<string, unknown>;
  /** The offboarding definition, when the config deploys it. */
  offboarding: Record<string, unknown> | null;
  /** The fleet definition: onboarding the organization's existing accounts. */
  fleet: Record<string, unknown> | null;
  /** The reconciliation definition: drift between the organization, the registry and Director. */
  reconcile: Record<string, unknown> | null;
  /** The whole synthesized template, for callers that inspect more. */
  template: Record<string, unknown>;
}

/** The first state of each workflow tells the state machines of the template apart. */
export const ONBOARDING_START_STATE = OnboardingState.ReadInput;
export const OFFBOARDING_START_STATE = OffboardingState.ReadInput;
export const FLEET_START_STATE: FleetTaskName = 'ListFleetAccounts';
export const RECONCILE_START_STATE: ReconcileTaskName = 'FindDrift';

const FAKE_ACCOUNT = '000000000000';
const FAKE_REGION = 'eu-west-1';

/**
 * Synthesizes the real stack for a config and takes the state machine definition from the
 * template, exactly as CloudFormation would receive it. Asset bundling is skipped: the sandbox
 * runs the handlers in-process, so the bundles are never used here.
 */
export function synthesizeWorkflows(config: AppConfig): SynthesizedWorkflows {
  // Every sandbox points its config at its own simulator port, which only the functions' settings
  // carry (the handlers read those from the config, not from the template): one synthesis serves
  // every sandbox of a process with the same config otherwise. Callers never change the result.
  const key = JSON.stringify({ ...config, director: { ...config.director, baseUrl: 'https://director.invalid' } });
  let synthesized = synthesized_.get(key);
  if (synthesized === undefined) {
    synthesized = synthesizedInThisRun(key, () => synthesize(config));
    synthesized_.set(key, synthesized);
  }
  return synthesized;
}

const synthesized_ = new Map<string, SynthesizedWorkflows>();

/**
 * With SYNTHESIS_CACHE_DIR_ENV set (a folder that lives for one test run, test/global-setup.ts):
 * what one worker process synthesized, the others read back instead of synthesizing it again. The
 * code cannot change within a run, so the config is the whole key. Unset (the CLI, `npm start`):
 * every process synthesizes for itself.
 */
function synthesizedInThisRun(key: string, synthesizeNow: () => SynthesizedWorkflows): SynthesizedWorkflows {
  const directory = process.env[SYNTHESIS_CACHE_DIR_ENV];
  if (directory === undefined || directory === '') return synthesizeNow();
  const file = path.join(directory, `${createHash('sha256').update(key).digest('hex')}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SynthesizedWorkflows;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const synthesized = synthesizeNow();
  // Written aside, then renamed: a worker reading it never sees half a file.
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, JSON.stringify(synthesized));
  renameSync(partial, file);
  return synthesized;
}

function synthesize(config: AppConfig): SynthesizedWorkflows {
  const outdir = mkdtempSync(path.join(tmpdir(), 'onboarding-synth-'));
  try {
    // CloudFormation validation belongs to `npm run synth`; here it would only cost seconds per run.
    // No stack traces in the construct metadata either: the sandbox reads only the template, and
    // capturing one per construct is a third of a synthesis.
    const context = { 'aws:cdk:bundling-stacks': [], 'aws:cdk:disable-stack-trace': true, 'aws:cdk:disable-creation-stack-traces': true };
    const app = new App({ outdir, context, builtinCloudFormationValidation: false });
    const stack = new OnboardingStack(app, config.stackName, { config });
    const assembly = app.synth();
    const template = assembly.getStackByName(stack.stackName).template as Record<string, unknown>;
    const definitions = extractDefinitions(template);
    const onboarding = definitions.find((definition) => definition.StartAt === ONBOARDING_START_STATE);
    if (!onboarding) throw new Error('The synthesized template has no onboarding state machine.');
    const startingAt = (state: string) => definitions.find((definition) => definition.StartAt === state) ?? null;
    return {
      onboarding,
      offboarding: startingAt(OFFBOARDING_START_STATE),
      fleet: startingAt(FLEET_START_STATE),
      reconcile: startingAt(RECONCILE_START_STATE),
      template,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Finds the one state machine in a template and resolves its DefinitionString. */
export function extractDefinition(template: Record<string, unknown>): Record<string, unknown> {
  const definitions = extractDefinitions(template);
  if (definitions.length !== 1 || !definitions[0]) throw new Error(`Expected one state machine in the template, found ${definitions.length}.`);
  return definitions[0];
}

/** Every state machine of a template, each DefinitionString resolved. */
export function extractDefinitions(template: Record<string, unknown>): Record<string, unknown>[] {
  const resources = (template.Resources ?? {}) as Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  return Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::StepFunctions::StateMachine')
    .map((machine) => {
      const resolved = resolveIntrinsics(machine.Properties?.DefinitionString, resources);
      if (typeof resolved !== 'string') throw new Error('A state machine DefinitionString did not resolve to a string.');
      return JSON.parse(resolved) as Record<string, unknown>;
    });
}

function resolveIntrinsics(value: unknown, resources: Record<string, { Type: string }>): unknown {
  if (typeof value === 'string' || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, resources));
  const record = value as Record<string, unknown>;
  if ('Fn::Join' in record) {
    const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => String(resolveIntrinsics(part, resources))).join(separator);
  }
  if ('Ref' in record) return resolveRef(String(record.Ref), resources);
  if ('Fn::GetAtt' in record) {
    const [logicalId] = record['Fn::GetAtt'] as [string, string];
    return fakeArnFor(logicalId, resources);
  }
  return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, resolveIntrinsics(item, resources)]));
}

function resolveRef(name: string, resources: Record<string, { Type: string }>): string {
  switch (name) {
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::Region':
      return FAKE_REGION;
    case 'AWS::AccountId':
      return FAKE_ACCOUNT;
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    default:
      return fakeArnFor(name, resources);
  }
}

function fakeArnFor(logicalId: string, resources: Record<string, { Type: string }>): string {
  const type = resources[logicalId]?.Type;
  if (type === 'AWS::Lambda::Function') return `arn:aws:lambda:${FAKE_REGION}:${FAKE_ACCOUNT}:function:${logicalId}`;
  if (type === 'AWS::Events::EventBus') return `arn:aws:events:${FAKE_REGION}:${FAKE_ACCOUNT}:event-bus/${logicalId}`;
  return `arn:aws:cloudformation:${FAKE_REGION}:${FAKE_ACCOUNT}:resource/${logicalId}`;
}
