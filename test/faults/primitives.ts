import fc from 'fast-check';
import { OffboardingTask } from '../../lambda/contract/offboarding-states.js';
import { OnboardingTask } from '../../lambda/contract/onboarding-states.js';
import { awsErrors, type AwsErrorName, type FaultedService } from './aws-faults.js';
import { EVERY_ATTEMPT, killsCompensation } from './catalogue-crashes.js';
import type { CrashSpec, Fault, FaultContext } from './fault-types.js';
import { runWorkflow } from './fault-types.js';

/**
 * The catalogue's injectable primitives as fast-check arbitraries, and a drawn plan turned into a
 * battery fault: a few Director and AWS faults aimed at random steps, maybe a crash, on a first
 * onboarding, a re-run or an offboarding. Everything drawn is a plain value, so a failing
 * counterexample prints as the exact plan to replay.
 */

type Scenario = 'first' | 'rerun' | 'offboard';

type Primitive =
  | { kind: 'director-status'; route: string; status: number; count: number }
  | { kind: 'director-throttle'; route: string; count: number }
  | { kind: 'director-drop'; route: string; afterApply: boolean; count: number }
  | { kind: 'director-fail-after-apply'; route: string; status: number }
  | { kind: 'director-order'; what: 'fail' | 'never-finish' | 'lose' }
  | { kind: 'director-expire-tokens' }
  | { kind: 'aws'; service: FaultedService; operation: string; step: string; error: AwsErrorName; times: number };

export interface FaultPlan {
  scenario: Scenario;
  primitives: Primitive[];
  crash: CrashSpec | null;
}

const ONBOARDING_ROUTES = ['POST /LogSources', 'PUT /LogSources/*', 'GET /LogSources', 'GET /LogSources/*', 'GET /orders/*', 'POST /refreshToken'];
const OFFBOARDING_ROUTES = ['DELETE /LogSources/*', 'GET /LogSources', 'GET /orders/*', 'POST /refreshToken'];
const WRITE_ROUTES: Record<Scenario, string[]> = {
  first: ['POST /LogSources'],
  rerun: ['PUT /LogSources/*', 'POST /LogSources'],
  offboard: ['DELETE /LogSources/*'],
};

/** The calls each step makes (from the sandbox's call log of clean runs): where an AWS fault can land. */
const AWS_CALLS: Record<'onboard' | 'offboard', [step: string, service: FaultedService, operations: string[]][]> = {
  onboard: [
    ['AcquireLock', 'DynamoDB', ['PutItem']],
    ['ReleaseLock', 'DynamoDB', ['DeleteItem']],
    ['CheckBucket', 'S3', ['HeadBucket', 'GetBucketLocation', 'GetBucketEncryption', 'ListObjectsV2', 'HeadObject']],
    ['ProvisionReader', 'IAM', ['GetUser', 'CreateUser', 'PutUserPolicy', 'ListAccessKeys', 'CreateAccessKey']],
    ['ProvisionReader', 'SecretsManager', ['GetSecretValue', 'DescribeSecret', 'CreateSecret', 'PutSecretValue']],
    ['VerifyAccess', 'SecretsManager', ['GetSecretValue']],
    ['VerifyAccess', 'S3', ['ListObjectsV2', 'GetObject']],
    ['RegisterLogSource', 'SecretsManager', ['GetSecretValue', 'DescribeSecret', 'TagResource']],
    ['CheckOrder', 'SecretsManager', ['GetSecretValue']],
    ['FinalizeOnboarding', 'IAM', ['GetUser', 'ListAccessKeys', 'DeleteAccessKey']],
    ['FinalizeOnboarding', 'SecretsManager', ['GetSecretValue', 'DescribeSecret', 'TagResource', 'RotateSecret']],
    ['Compensate', 'IAM', ['ListAccessKeys', 'DeleteAccessKey']],
    ['Compensate', 'SecretsManager', ['GetSecretValue', 'DescribeSecret', 'UpdateSecretVersionStage']],
  ],
  offboard: [
    ['AcquireLock', 'DynamoDB', ['PutItem']],
    ['ReleaseLock', 'DynamoDB', ['DeleteItem']],
    ['FindLogSource', 'IAM', ['GetUser']],
    ['FindLogSource', 'SecretsManager', ['DescribeSecret', 'GetSecretValue']],
    ['RemoveReader', 'IAM', ['GetUser', 'ListAccessKeys', 'DeleteAccessKey', 'ListUserPolicies', 'DeleteUserPolicy', 'DeleteUser']],
    ['ScheduleSecretDeletion', 'SecretsManager', ['DescribeSecret', 'DeleteSecret']],
  ],
};

const TRANSIENT: Record<FaultedService, AwsErrorName[]> = {
  IAM: ['iamThrottling', 'iamServiceFailure'],
  SecretsManager: ['secretsThrottling', 'secretsInternalError'],
  DynamoDB: ['dynamoThroughputExceeded', 'dynamoInternalError'],
  S3: ['s3SlowDown', 's3InternalError'],
};

const workflowOf = (scenario: Scenario): 'onboard' | 'offboard' => (scenario === 'offboard' ? 'offboard' : 'onboard');

function awsPrimitive(scenario: Scenario): fc.Arbitrary<Primitive> {
  return fc.constantFrom(...AWS_CALLS[workflowOf(scenario)]).chain(([step, service, operations]) =>
    fc.record({
      kind: fc.constant('aws' as const),
      service: fc.constant(service),
      operation: fc.constantFrom(...operations),
      step: fc.constant(step),
      error: fc.constantFrom(...TRANSIENT[service]),
      times: fc.integer({ min: 1, max: 3 }),
    }),
  );
}

function primitive(scenario: Scenario): fc.Arbitrary<Primitive> {
  const routes = scenario === 'offboard' ? OFFBOARDING_ROUTES : ONBOARDING_ROUTES;
  const route = fc.constantFrom(...routes);
  return fc.oneof(
    fc.record({
      kind: fc.constant('director-status' as const),
      route,
      status: fc.constantFrom(401, 403, 404, 500, 502, 503, 504),
      count: fc.integer({ min: 1, max: 3 }),
    }),
    fc.record({ kind: fc.constant('director-throttle' as const), route, count: fc.integer({ min: 1, max: 3 }) }),
    fc.record({ kind: fc.constant('director-drop' as const), route, afterApply: fc.boolean(), count: fc.integer({ min: 1, max: 2 }) }),
    fc.record({
      kind: fc.constant('director-fail-after-apply' as const),
      route: fc.constantFrom(...WRITE_ROUTES[scenario]),
      status: fc.constantFrom(500, 502, 503, 504),
    }),
    fc.record({ kind: fc.constant('director-order' as const), what: fc.constantFrom('fail' as const, 'never-finish' as const, 'lose' as const) }),
    fc.constant({ kind: 'director-expire-tokens' as const }),
    awsPrimitive(scenario),
  );
}

function crash(scenario: Scenario): fc.Arbitrary<CrashSpec | null> {
  const states = Object.keys(scenario === 'offboard' ? OffboardingTask : OnboardingTask);
  const spec = fc.record({
    state: fc.constantFrom(...states),
    when: fc.constantFrom('before' as const, 'after' as const),
    times: fc.constantFrom(1, 1, EVERY_ATTEMPT),
  });
  return fc.option(spec, { nil: null, freq: 2 });
}

export const planArbitrary: fc.Arbitrary<FaultPlan> = fc
  .constantFrom<Scenario>('first', 'rerun', 'offboard')
  .chain((scenario) =>
    fc.record({ scenario: fc.constant(scenario), primitives: fc.array(primitive(scenario), { minLength: 1, maxLength: 3 }), crash: crash(scenario) }),
  );

function inject(context: FaultContext, scenario: Scenario, item: Primitive): void {
  const { faults } = context.sandbox.director;
  switch (item.kind) {
    case 'director-status':
      return faults.failRoute(item.route, { status: item.status, count: item.count });
    case 'director-throttle':
      return faults.throttle(item.count, { retryAfter: 0, route: item.route });
    case 'director-drop':
      return item.afterApply ? faults.dropAfterApply(item.count, item.route) : faults.dropConnections(item.count, item.route);
    case 'director-fail-after-apply':
      return faults.failAfterApply(item.status, { route: item.route });
    case 'director-order':
      return item.what === 'fail' ? faults.failOrders(1) : item.what === 'lose' ? faults.loseOrders(1) : faults.neverFinishOrders(1);
    case 'director-expire-tokens':
      return faults.expireAllTokens();
    case 'aws':
      return context.aws.failNext({ ...item, error: awsErrors[item.error], workflow: workflowOf(scenario) });
  }
}

/** A drawn plan as a battery fault: the same runner, invariants, repair and leak search. */
export function faultOfPlan(plan: FaultPlan, index: number): Fault {
  const workflow = workflowOf(plan.scenario);
  const steps = plan.primitives.map((item) => (item.kind === 'aws' ? item.step : item.kind));
  if (plan.crash) steps.push(plan.crash.state);
  return {
    name: `property-${index}`,
    step: [...new Set(steps)].join(', '),
    injected: JSON.stringify(plan),
    path: plan.scenario === 'first' ? 'first' : 'rerun',
    ...(workflow === 'offboard' ? { repair: 'offboard' as const } : {}),
    killsCompensation: plan.crash !== null && killsCompensation(plan.crash),
    act: async (context) => {
      for (const item of plan.primitives) inject(context, plan.scenario, item);
      return [await runWorkflow(context, workflow, plan.crash ? { crashes: [plan.crash] } : {})];
    },
  };
}
