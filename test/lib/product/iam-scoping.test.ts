import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FleetTask } from '../../../lambda/contract/fleet-states.js';
import { ReconcileTask } from '../../../lambda/contract/reconcile-states.js';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { OffboardingTask } from '../../../lambda/contract/offboarding-states.js';
import { OnboardingTask } from '../../../lambda/contract/onboarding-states.js';
import { DIRECTOR_CALLING_TASKS } from '../../../lib/offboarding/offboarding-workflow.js';
import { FLEET_START_STATE, OFFBOARDING_START_STATE, ONBOARDING_START_STATE } from '../../../local/sandbox/definition.js';
import { OnboardingStack } from '../../../lib/product/onboarding-stack.js';
import { exampleConfig, pathBelowOnboarding, resourceById, resourcesOf, synthStack, testApp, type Resources } from '../stack-fixture.js';

/**
 * Walks every statement of every IAM policy in the template (AWS::IAM::Policy, inline role
 * policies, managed policies) and reports what breaks the product's least-privilege rules. The
 * last describe block proves the walker catches a wildcard that creeps in.
 */

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Sid?: string;
  Condition?: Record<string, Record<string, unknown>>;
}

interface FoundStatement {
  policy: string;
  /** The logical ids of the roles the policy is attached to. */
  roles: string[];
  statement: Statement;
  actions: string[];
  resources: string[];
}

/** Actions AWS only accepts on Resource "*" (no resource-level permissions), and only these. */
const STAR_ONLY_ACTIONS = new Set([
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  // Step Functions' CloudWatch Logs delivery.
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  // A fleet run's listing of the organization: ListAccounts accepts no resource-level scope.
  'organizations:ListAccounts',
  'logs:DescribeLogGroups',
]);

const READER_USERS = 'arn:<AWS::Partition>:iam::<AWS::AccountId>:user/logpoint/cloudtrail-reader-????????????';
/** The same users without their path: only GetUser of a user that does not exist yet is authorized against it. */
const ABSENT_READER_USERS = 'arn:<AWS::Partition>:iam::<AWS::AccountId>:user/cloudtrail-reader-????????????';
const ACCOUNT_SECRETS = 'arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:logpoint/cloudtrail/????????????-??????';
const DIRECTOR_SECRET = 'arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:logpoint/director/api-??????';
const TRAIL_BUCKET = 'arn:<AWS::Partition>:s3:::example-org-cloudtrail-logs';

function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const record = value as Record<string, unknown>;
  if (Array.isArray(record['Fn::Join'])) {
    const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
    return parts.map(flatten).join(separator);
  }
  if (Array.isArray(record['Fn::GetAtt'])) return `<${(record['Fn::GetAtt'] as string[]).join('.')}>`;
  if ('Ref' in record) return `<${String(record.Ref)}>`;
  return JSON.stringify(value);
}

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

function allStatements(resources: Resources): FoundStatement[] {
  const found: FoundStatement[] = [];
  const add = (policy: string, roles: string[], document: { Statement: Statement[] }) => {
    for (const statement of document.Statement) {
      found.push({ policy, roles, statement, actions: asArray(statement.Action), resources: asArray(statement.Resource).map(flatten) });
    }
  };
  for (const [id, resource] of Object.entries(resources)) {
    const properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      const roles = asArray((properties.Roles ?? []) as { Ref: string }[]).map((role) => role.Ref);
      add(id, roles, properties.PolicyDocument as { Statement: Statement[] });
    }
    if (resource.Type === 'AWS::IAM::Role') {
      for (const inline of (properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]) add(id, [id], inline.PolicyDocument);
    }
  }
  return found;
}

/** Every breach of the rules, as readable lines (empty when the template is clean). */
function leastPrivilegeViolations(resources: Resources): string[] {
  const violations: string[] = [];
  for (const { policy, statement, actions, resources: targets } of allStatements(resources)) {
    const where = `${policy} ${statement.Sid ?? ''} ${actions.join(',')}`;
    if (statement.Effect !== 'Allow') continue;
    for (const action of actions) if (action.includes('*')) violations.push(`${where}: wildcard action ${action}`);
    for (const target of targets) {
      // The reader boundary may cap kms:Decrypt at "calls made through S3" only: the trail key is found at run time.
      const decryptThroughS3 = actions.every((action) => action === 'kms:Decrypt') && statement.Condition?.StringLike?.['kms:ViaService'] !== undefined;
      if (target === '*' && !actions.every((action) => STAR_ONLY_ACTIONS.has(action)) && !decryptThroughS3) violations.push(`${where}: Resource "*"`);
      if (target !== '*' && target.includes('*')) {
        const allowed = [READER_USERS, ABSENT_READER_USERS, ACCOUNT_SECRETS, `${TRAIL_BUCKET}/AWSLogs/*`];
        // The state machine may invoke versions/aliases of its own functions.
        const ownFunctionVersions = /^<[A-Za-z0-9]+Function[0-9A-F]{8}\.Arn>:\*$/.test(target) && actions.every((action) => action === 'lambda:InvokeFunction');
        // The lock step may read the runs of the product's own state machines (to take over a lock whose run has ended).
        const ownExecutions =
          /^arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<[A-Za-z0-9]+StateMachine[0-9A-F]{8}\.Name>:\*$/.test(target) &&
          actions.every((action) => action === 'states:DescribeExecution');
        // The fleet and reconciliation state machines follow (and may stop) the onboarding and offboarding executions they started with StartExecution.sync.
        const fleetChildExecutions =
          /^arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:\{"Fn::Select":\[6,\{"Fn::Split":\[":",\{"Ref":"Onboarding(Workflow|Offboarding)StateMachine[0-9A-F]{8}"\}\]\}\]\}\*$/.test(
            target,
          ) && actions.every((action) => action === 'states:DescribeExecution' || action === 'states:StopExecution');
        if (!allowed.includes(target) && !ownFunctionVersions && !ownExecutions && !fleetChildExecutions)
          violations.push(`${where}: wildcard resource ${target}`);
      }
    }
    for (const action of actions) {
      const service = action.split(':')[0];
      const absentLookUp = actions.every((candidate) => candidate === 'iam:GetUser') && targets.every((target) => target === ABSENT_READER_USERS);
      if (service === 'iam' && !absentLookUp && !targets.every((target) => target === READER_USERS))
        violations.push(`${where}: iam action beyond reader users`);
      if (service === 'secretsmanager' && !targets.every((target) => target === ACCOUNT_SECRETS || target === DIRECTOR_SECRET)) {
        violations.push(`${where}: secret beyond logpoint/cloudtrail/* and the Director secret`);
      }
      if (service === 's3' && !targets.every((target) => target === TRAIL_BUCKET || target === `${TRAIL_BUCKET}/AWSLogs/*`)) {
        violations.push(`${where}: s3 beyond the trail bucket`);
      }
    }
  }
  return violations;
}

/**
 * Every function of the default stack: one per task of the onboarding, offboarding, fleet and
 * reconciliation workflows, the execution starter and the key rotation function.
 */
const EXPECTED_FUNCTION_COUNT =
  Object.keys(OnboardingTask).length + Object.keys(OffboardingTask).length + Object.keys(FleetTask).length + Object.keys(ReconcileTask).length + 2;

/** A role or function as `<part>/<name>` (`Workflow/CheckOrder`, `Offboarding/CheckOrder`, `KeyRotation/RotateAccessKey`). */
function functionNameOf(logicalId: string): string {
  return pathBelowOnboarding(resourceById(resources, logicalId)).replace(/Function(Role)?\/Resource$/, '');
}

/** The logical id of the resource at `pathBelow` (see {@link pathBelowOnboarding}). */
function logicalIdOfPath(pathBelow: string): string {
  const ids = Object.entries(resources)
    .filter(([, resource]) => pathBelowOnboarding(resource) === pathBelow)
    .map(([id]) => id);
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

/** The logical id of the state machine that starts at `startAt`. */
function stateMachineStartingAt(startAt: string): string {
  const machines = Object.entries(resources).filter(
    ([, resource]) => resource.Type === 'AWS::StepFunctions::StateMachine' && flatten(resource.Properties?.DefinitionString).includes(`"StartAt":"${startAt}"`),
  );
  expect(machines).toHaveLength(1);
  return machines[0]![0];
}

let resources: Resources;

beforeAll(() => {
  resources = resourcesOf(synthStack().template);
});

describe('IAM policies of the stack', () => {
  it('have no wildcard action, and Resource "*" only for the actions AWS requires it for', () => {
    expect(leastPrivilegeViolations(resources)).toEqual([]);
  });

  it('attach no managed policy (AWSLambdaBasicExecutionRole would allow writing to every log group)', () => {
    const roles = Object.values(resources).filter((resource) => resource.Type === 'AWS::IAM::Role');
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles) expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
  });

  it('let functions write logs only to their own log group', () => {
    // Prepare
    const functions = Object.values(resources).filter((resource) => resource.Type === 'AWS::Lambda::Function');
    const logWrites = allStatements(resources).filter(({ actions }) => actions.includes('logs:PutLogEvents'));

    // Assess: one log-writing statement per function, on its role, naming exactly the log group the function logs to.
    expect(functions).toHaveLength(EXPECTED_FUNCTION_COUNT);
    expect(logWrites).toHaveLength(EXPECTED_FUNCTION_COUNT);
    for (const fn of functions) {
      const roleId = (fn.Properties?.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const logGroupId = (fn.Properties?.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      const ownWrites = logWrites.filter(({ roles }) => roles.includes(roleId));
      expect(ownWrites.map(({ resources: targets }) => targets)).toEqual([[`<${logGroupId}.Arn>`]]);
    }
  });

  it('manage reader users only under user/logpoint/cloudtrail-reader-????????????, and look up absent ones only with GetUser', () => {
    const iamStatements = allStatements(resources).filter(({ actions }) => actions.some((action) => action.startsWith('iam:')));
    expect(iamStatements.length).toBeGreaterThan(0);
    const lookUps = iamStatements.filter(({ resources: targets }) => targets.includes(ABSENT_READER_USERS));
    expect(lookUps.map(({ actions, resources: targets }) => ({ actions, targets }))).toEqual(
      lookUps.map(() => ({ actions: ['iam:GetUser'], targets: [ABSENT_READER_USERS] })),
    );
    for (const { resources: targets } of iamStatements.filter((statement) => !lookUps.includes(statement))) expect(targets).toEqual([READER_USERS]);
  });

  it('let only the Lambdas that call Director read the Director secret: onboarding, offboarding, key rotation and reconciliation', () => {
    // Prepare
    const directorCalling = [
      ...['RegisterLogSource', 'CheckOrder', 'FinalizeOnboarding', 'CheckDataFlow', 'ConfirmCoverage'].map((task) => `Workflow/${task}`),
      ...DIRECTOR_CALLING_TASKS.map((task) => `Offboarding/${task}`),
      'KeyRotation/RotateAccessKey',
      'Reconcile/FindDrift',
    ];

    // Act
    const readers = allStatements(resources)
      .filter(({ actions, resources: targets }) => targets.includes(DIRECTOR_SECRET) && actions.includes('secretsmanager:GetSecretValue'))
      .flatMap(({ roles }) => roles)
      .map(functionNameOf);

    // Assess
    expect(readers.sort()).toEqual(directorCalling.sort());
  });

  it('let the starter start and list executions of each workflow, every statement scoped to exactly one state machine', () => {
    // Prepare
    const starterRole = logicalIdOfPath('Starter/FunctionRole/Resource');
    const onboarding = stateMachineStartingAt(ONBOARDING_START_STATE);
    const offboarding = stateMachineStartingAt(OFFBOARDING_START_STATE);

    const fleet = stateMachineStartingAt(FLEET_START_STATE);

    // Act (the lock steps' DescribeExecution of lock holders, and the fleet's own child executions, are checked below)
    const statesStatements = allStatements(resources).filter(
      ({ actions, roles }) => roles.includes(starterRole) && actions.some((action) => action.startsWith('states:') && action !== 'states:DescribeExecution'),
    );

    // Assess
    expect(statesStatements.map(({ roles, statement, actions, resources: targets }) => ({ roles, sid: statement.Sid, actions, targets }))).toEqual(
      expect.arrayContaining([
        { roles: [starterRole], sid: 'StartOnboarding', actions: ['states:StartExecution'], targets: [`<${onboarding}>`] },
        { roles: [starterRole], sid: 'StartOffboarding', actions: ['states:StartExecution'], targets: [`<${offboarding}>`] },
        { roles: [starterRole], sid: 'StartFleet', actions: ['states:StartExecution'], targets: [`<${fleet}>`] },
      ]),
    );
    expect(statesStatements).toHaveLength(3);
  });

  it("let only the lock steps and the starter describe executions, and only those of the product's two state machines", () => {
    // Prepare
    const onboarding = stateMachineStartingAt(ONBOARDING_START_STATE);
    const offboarding = stateMachineStartingAt(OFFBOARDING_START_STATE);
    const executionsOf = (machine: string): string => `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<${machine}.Name>:*`;

    // Act (the fleet and reconciliation state machines' grants on their own child executions are StartExecution.sync's: see the wildcard check)
    const parentRoles = ['Fleet', 'Reconcile'].map((workflow) => logicalIdOfPath(`${workflow}/StateMachine/Role/Resource`));
    const describes = allStatements(resources).filter(
      ({ actions, roles }) => actions.includes('states:DescribeExecution') && !roles.some((role) => parentRoles.includes(role)),
    );

    // Assess
    expect(describes.map(({ roles }) => pathBelowOnboarding(resourceById(resources, roles[0] ?? ''))).sort()).toEqual([
      'Offboarding/AcquireLockFunctionRole/Resource',
      'Starter/FunctionRole/Resource',
      'Workflow/AcquireLockFunctionRole/Resource',
    ]);
    for (const { actions, resources: targets } of describes) {
      expect(actions).toEqual(['states:DescribeExecution']);
      expect(targets).toEqual([executionsOf(onboarding), executionsOf(offboarding)]);
    }
  });

  it('let each state machine invoke only its own functions, and the onboarding finalizer only the rotation function', () => {
    // Prepare
    const owner = (roleId: string): string => {
      const rolePath = pathBelowOnboarding(resourceById(resources, roleId));
      return rolePath.endsWith('StateMachine/Role/Resource') ? `${rolePath.split('/')[0]} state machine` : functionNameOf(roleId);
    };

    // Act: who may invoke which function (each statement's targets reduced to the function they name).
    const invokes = allStatements(resources)
      .filter(({ actions }) => actions.includes('lambda:InvokeFunction'))
      .flatMap(({ roles, actions, resources: targets }) => {
        expect(actions).toEqual(['lambda:InvokeFunction']);
        // A function's ARN and its `:*` versions, nothing else.
        const functionIds = new Set(targets.map((target) => /^<([A-Za-z0-9]+)\.Arn>(:\*)?$/.exec(target)?.[1] ?? `unexpected target ${target}`));
        expect(functionIds.size).toBe(1);
        return roles.map((role) => `${owner(role)} -> ${functionNameOf([...functionIds][0]!)}`);
      });

    // Assess
    expect(invokes.sort()).toEqual(
      [
        ...Object.keys(OnboardingTask).map((task) => `Workflow state machine -> Workflow/${task}`),
        ...Object.keys(OffboardingTask).map((task) => `Offboarding state machine -> Offboarding/${task}`),
        ...Object.keys(FleetTask).map((task) => `Fleet state machine -> Fleet/${task}`),
        ...Object.keys(ReconcileTask).map((task) => `Reconcile state machine -> Reconcile/${task}`),
        'Workflow/FinalizeOnboarding -> KeyRotation/RotateAccessKey',
      ].sort(),
    );
  });

  it('let only the onboarding finalizer switch rotation on, and only for account secrets', () => {
    const rotateStatements = allStatements(resources).filter(({ actions }) => actions.includes('secretsmanager:RotateSecret'));
    expect(rotateStatements.map(({ roles, resources: targets }) => ({ roles: roles.map(functionNameOf), targets }))).toEqual([
      { roles: ['Workflow/FinalizeOnboarding'], targets: [ACCOUNT_SECRETS] },
    ]);
  });

  it('stay scoped with an explicit account and region in the config', () => {
    // Act
    const scoped = resourcesOf(synthStack(exampleConfig({ env: { account: '123456789012', region: 'us-east-1' } })).template);

    // Assess: only the literal account/region differ from the agnostic template.
    const violations = leastPrivilegeViolations(
      JSON.parse(JSON.stringify(scoped).replaceAll('123456789012', '<AWS::AccountId>').replaceAll(':us-east-1:', ':<AWS::Region>:')) as Resources,
    );
    expect(violations).toEqual([]);
  });
});

describe('the least-privilege walker', () => {
  it('catches a wildcard action or resource that creeps into any policy', () => {
    // Prepare: a fresh, not yet synthesized stack (a synthesized app would not see later changes).
    const stack = new OnboardingStack(testApp(), 'Probe', { config: exampleConfig() });
    stack.onboarding.starterFunction.addToRolePolicy(new PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
    stack.onboarding.workflow.functions.CheckOrder.addToRolePolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:*'] }),
    );
    // The offboarding and rotation functions are walked as well.
    stack.onboarding.offboardingWorkflow?.functions.RemoveReader.addToRolePolicy(new PolicyStatement({ actions: ['iam:DeleteUser'], resources: ['*'] }));
    stack.onboarding.keyRotation?.rotationFunction.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::another-bucket/*'] }),
    );

    // Act
    const violations = leastPrivilegeViolations(resourcesOf(Template.fromStack(stack)));

    // Assess
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.stringContaining('wildcard action s3:*'),
        expect.stringContaining('Resource "*"'),
        expect.stringContaining('wildcard resource arn:aws:secretsmanager:eu-west-1:123456789012:secret:*'),
        expect.stringContaining('secret beyond logpoint/cloudtrail/*'),
        expect.stringMatching(/^OnboardingOffboardingRemoveReaderFunctionRoleDefaultPolicy.* iam:DeleteUser: Resource "\*"$/),
        expect.stringMatching(
          /^OnboardingKeyRotationRotateAccessKeyFunctionRoleDefaultPolicy.* s3:GetObject: wildcard resource arn:aws:s3:::another-bucket\/\*$/,
        ),
      ]),
    );
  });
});
