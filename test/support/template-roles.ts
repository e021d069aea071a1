import { EnvName } from '../../lambda/contract/env-names.js';
import { OnboardingTaskAlias } from '../../lambda/contract/onboarding-states.js';
import { FLEET_START_STATE, OFFBOARDING_START_STATE, ONBOARDING_START_STATE, RECONCILE_START_STATE } from '../../local/sandbox/definition.js';

/**
 * The Lambda functions of a synthesized template with the IAM their roles carry, every intrinsic
 * resolved to the ARNs the stack would get in the sandbox's account (111122223333, eu-west-1), so
 * the policies can be evaluated against the ARNs the fakes hand out.
 */

export interface ArnEnvironment {
  partition: string;
  region: string;
  account: string;
}

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement[];
}

export interface NamedPolicy {
  name: string;
  document: PolicyDocument;
}

export interface FunctionRole {
  /** `<workflow>/<task>` as the call log names callers (`onboard/FinalizeOnboarding`), else the logical id. */
  label: string;
  logicalId: string;
  functionArn: string;
  roleArn: string;
  policies: NamedPolicy[];
  boundary: NamedPolicy | null;
}

type Resource = { Type: string; Properties?: Record<string, unknown> };
type Resources = Record<string, Resource>;

const resourcesOf = (template: Record<string, unknown>): Resources => (template.Resources ?? {}) as Resources;

/** The ARN (or, for `Ref` where CloudFormation returns a name, the name) a resource gets. */
function physicalValue(logicalId: string, resources: Resources, env: ArnEnvironment, attribute: string | null): string {
  const resource = resources[logicalId];
  if (!resource) throw new Error(`The template has no resource ${logicalId}.`);
  const props = resource.Properties ?? {};
  const named = (key: string): string => {
    const value = props[key];
    return typeof value === 'string' ? value : logicalId;
  };
  const { partition: p, region: r, account: a } = env;
  switch (resource.Type) {
    case 'AWS::Lambda::Function':
      return attribute === 'Arn' ? `arn:${p}:lambda:${r}:${a}:function:${named('FunctionName')}` : named('FunctionName');
    case 'AWS::IAM::Role':
      return attribute === 'Arn' ? `arn:${p}:iam::${a}:role${(props.Path as string | undefined) ?? '/'}${named('RoleName')}` : named('RoleName');
    case 'AWS::IAM::ManagedPolicy':
      // Ref of a managed policy is its ARN.
      return `arn:${p}:iam::${a}:policy${(props.Path as string | undefined) ?? '/'}${named('ManagedPolicyName')}`;
    case 'AWS::Logs::LogGroup':
      return attribute === 'Arn' ? `arn:${p}:logs:${r}:${a}:log-group:${named('LogGroupName')}:*` : named('LogGroupName');
    case 'AWS::StepFunctions::StateMachine':
      return attribute === 'Name' ? named('StateMachineName') : `arn:${p}:states:${r}:${a}:stateMachine:${named('StateMachineName')}`;
    case 'AWS::SQS::Queue':
      return attribute === 'Arn' ? `arn:${p}:sqs:${r}:${a}:${named('QueueName')}` : `https://sqs.${r}.amazonaws.com/${a}/${named('QueueName')}`;
    case 'AWS::SNS::Topic':
      return attribute === 'TopicName' ? named('TopicName') : `arn:${p}:sns:${r}:${a}:${named('TopicName')}`;
    case 'AWS::Events::Rule':
      return `arn:${p}:events:${r}:${a}:rule/${named('Name')}`;
    case 'AWS::Events::EventBus':
      return attribute === 'Arn' ? `arn:${p}:events:${r}:${a}:event-bus/${named('Name')}` : named('Name');
    case 'AWS::KMS::Key':
      return `arn:${p}:kms:${r}:${a}:key/${logicalId}`;
    case 'AWS::DynamoDB::Table':
      return attribute === 'Arn' ? `arn:${p}:dynamodb:${r}:${a}:table/${named('TableName')}` : named('TableName');
    case 'AWS::SecretsManager::Secret':
      return `arn:${p}:secretsmanager:${r}:${a}:secret:${named('Name')}-AbC123`;
    default:
      return `arn:${p}:cloudformation:${r}:${a}:resource/${logicalId}${attribute ? `/${attribute}` : ''}`;
  }
}

/** Resolves Ref, Fn::GetAtt, Fn::Join and Fn::Sub; any other intrinsic is an error, never a guess. */
function resolveIntrinsics(value: unknown, resources: Resources, env: ArnEnvironment): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, resources, env));
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const [only] = keys;
  if (keys.length === 1 && only !== undefined && (only === 'Ref' || only.startsWith('Fn::'))) {
    const argument = record[only];
    switch (only) {
      case 'Ref':
        return resolveRef(String(argument), resources, env);
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = (typeof argument === 'string' ? argument.split('.') : argument) as [string, string];
        return physicalValue(logicalId, resources, env, attribute);
      }
      case 'Fn::Join': {
        const [separator, parts] = argument as [string, unknown[]];
        return parts.map((part) => String(resolveIntrinsics(part, resources, env))).join(separator);
      }
      case 'Fn::Sub': {
        const [text, variables = {}] = (typeof argument === 'string' ? [argument] : argument) as [string, Record<string, unknown>?];
        return text.replace(/\$\{([^}]+)\}/g, (_match, name: string) => {
          if (name in variables) return String(resolveIntrinsics(variables[name], resources, env));
          const [logicalId, attribute] = name.split('.');
          return attribute ? physicalValue(logicalId ?? '', resources, env, attribute) : resolveRef(name, resources, env);
        });
      }
      default:
        throw new Error(`Cannot resolve ${only} in the template (test/support/template-roles.ts resolves Ref, GetAtt, Join, Sub).`);
    }
  }
  return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, resolveIntrinsics(item, resources, env)]));
}

function resolveRef(name: string, resources: Resources, env: ArnEnvironment): string {
  switch (name) {
    case 'AWS::Partition':
      return env.partition;
    case 'AWS::Region':
      return env.region;
    case 'AWS::AccountId':
      return env.account;
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    default:
      return physicalValue(name, resources, env, null);
  }
}

/** The sandbox's name of each workflow (its executions' prefix), by the first state of its definition. */
const WORKFLOW_OF_START_STATE: Record<string, string> = {
  [ONBOARDING_START_STATE]: 'onboard',
  [OFFBOARDING_START_STATE]: 'offboard',
  [FLEET_START_STATE]: 'fleet',
  [RECONCILE_START_STATE]: 'reconcile',
};

/** Each workflow's state machine name (`onboard`, `offboard`), as the stack would name it. */
export function workflowStateMachineNames(template: Record<string, unknown>, env: ArnEnvironment): Record<string, string> {
  const resources = (template.Resources ?? {}) as Resources;
  const names: Record<string, string> = {};
  for (const [logicalId, machine] of Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::StepFunctions::StateMachine')) {
    const { StartAt } = JSON.parse(String(resolveIntrinsics(machine.Properties?.DefinitionString, resources, env))) as { StartAt: string };
    const workflow = WORKFLOW_OF_START_STATE[StartAt];
    if (workflow) names[workflow] = physicalValue(logicalId, resources, env, 'Name');
  }
  return names;
}

/** Task state → function logical id, per workflow, from the state machines' resolved definitions. */
function workflowTasks(resources: Resources, env: ArnEnvironment, functionIdByArn: Map<string, string>): Map<string, string> {
  const labels = new Map<string, string>();
  for (const machine of Object.values(resources).filter((resource) => resource.Type === 'AWS::StepFunctions::StateMachine')) {
    const definition = JSON.parse(String(resolveIntrinsics(machine.Properties?.DefinitionString, resources, env))) as {
      StartAt: string;
      States: Record<string, { Type: string; Resource?: string; Parameters?: { FunctionName?: string } }>;
    };
    const workflow = WORKFLOW_OF_START_STATE[definition.StartAt];
    if (!workflow) throw new Error(`A state machine starts at ${definition.StartAt}: which workflow is it?`);
    for (const [state, spec] of Object.entries(definition.States)) {
      const target = spec.Type === 'Task' ? (spec.Parameters?.FunctionName ?? spec.Resource ?? '') : '';
      const functionId = functionIdByArn.get(target.replace(/:\$LATEST$/, ''));
      // A state that runs another task's function (CheckAccountLogs runs CheckBucket's) is recorded under that task.
      if (functionId && !(state in OnboardingTaskAlias)) labels.set(functionId, `${workflow}/${state}`);
    }
  }
  return labels;
}

/**
 * The label each function's calls are recorded under: the task state that invokes it, `rotate/KeyRotation`
 * for the function Secrets Manager may invoke, `trigger/StartExecution` for the execution starter.
 */
function functionLabels(resources: Resources, env: ArnEnvironment): Map<string, string> {
  const functionIds = Object.keys(resources).filter((id) => resources[id]?.Type === 'AWS::Lambda::Function');
  const functionIdByArn = new Map(functionIds.map((id) => [physicalValue(id, resources, env, 'Arn'), id]));
  const labels = workflowTasks(resources, env, functionIdByArn);
  for (const permission of Object.values(resources).filter((resource) => resource.Type === 'AWS::Lambda::Permission')) {
    if (permission.Properties?.Principal !== 'secretsmanager.amazonaws.com') continue;
    const functionId = functionIdByArn.get(String(resolveIntrinsics(permission.Properties.FunctionName, resources, env)));
    if (functionId) labels.set(functionId, 'rotate/KeyRotation');
  }
  for (const id of functionIds) {
    const variables = ((resources[id]?.Properties?.Environment ?? {}) as { Variables?: Record<string, unknown> }).Variables ?? {};
    if (!labels.has(id) && EnvName.ONBOARDING_STATE_MACHINE_ARN in variables) labels.set(id, 'trigger/StartExecution');
  }
  return labels;
}

/** Every Lambda function with its role, the role's policies (inline, attached, AWS::IAM::Policy) and boundary. */
export function functionRoles(template: Record<string, unknown>, env: ArnEnvironment): FunctionRole[] {
  const resources = resourcesOf(template);
  const labels = functionLabels(resources, env);
  const managedPolicy = (arn: string): NamedPolicy => {
    const found = managedPolicyDocument(template, env, arn);
    if (!found) throw new Error(`Policy ${arn} is not in the template: an AWS managed policy cannot be evaluated here.`);
    return { name: arn, document: found };
  };
  return Object.entries(resources)
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
    .map(([logicalId, fn]) => {
      const roleRef = fn.Properties?.Role as { 'Fn::GetAtt'?: [string, string] } | undefined;
      const roleId = roleRef?.['Fn::GetAtt']?.[0];
      const role = roleId ? resources[roleId] : undefined;
      if (!roleId || !role) throw new Error(`Function ${logicalId} has no role of this template.`);
      const props = (resolveIntrinsics(role.Properties ?? {}, resources, env) ?? {}) as {
        Policies?: { PolicyName: string; PolicyDocument: PolicyDocument }[];
        ManagedPolicyArns?: string[];
        PermissionsBoundary?: string;
      };
      const attached = Object.entries(resources)
        .filter(([, policy]) => policy.Type === 'AWS::IAM::Policy' || policy.Type === 'AWS::IAM::ManagedPolicy')
        .filter(([, policy]) => ((policy.Properties?.Roles ?? []) as { Ref?: string }[]).some((ref) => ref.Ref === roleId))
        .map(([policyId, policy]) => ({ name: policyId, document: resolveIntrinsics(policy.Properties?.PolicyDocument, resources, env) as PolicyDocument }));
      return {
        label: labels.get(logicalId) ?? logicalId,
        logicalId,
        functionArn: physicalValue(logicalId, resources, env, 'Arn'),
        roleArn: physicalValue(roleId, resources, env, 'Arn'),
        policies: [
          ...(props.Policies ?? []).map((policy) => ({ name: policy.PolicyName, document: policy.PolicyDocument })),
          ...(props.ManagedPolicyArns ?? []).map(managedPolicy),
          ...attached,
        ],
        boundary: props.PermissionsBoundary ? managedPolicy(props.PermissionsBoundary) : null,
      };
    });
}

/** The document of the template's customer managed policy with this ARN (e.g. the reader boundary). */
export function managedPolicyDocument(template: Record<string, unknown>, env: ArnEnvironment, arn: string): PolicyDocument | undefined {
  const resources = resourcesOf(template);
  const entry = Object.entries(resources).find(
    ([id, resource]) => resource.Type === 'AWS::IAM::ManagedPolicy' && physicalValue(id, resources, env, null) === arn,
  );
  return entry ? (resolveIntrinsics(entry[1].Properties?.PolicyDocument, resources, env) as PolicyDocument) : undefined;
}

/** The ARN the template's function with this label gets (e.g. the rotation function FinalizeOnboarding hands on). */
export function functionArnOf(roles: readonly FunctionRole[], label: string): string | undefined {
  return roles.find((role) => role.label === label)?.functionArn;
}
