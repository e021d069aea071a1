import { runSimulation, type EvaluationResult, type Simulation } from '@cloud-copilot/iam-simulate';
import type { AccountState } from '../../local/sandbox/account-state.js';
import type { AwsCallRecord } from '../../local/sandbox/aws-call-log.js';
import { ROTATION_FUNCTION_ARN } from '../../local/sandbox/handler-dependencies.js';
import { iamRequestsFor, UnmappedCallError, type IamRequest, type RequestEnvironment } from './iam-requests.js';
import {
  functionArnOf,
  functionRoles,
  managedPolicyDocument,
  type ArnEnvironment,
  type NamedPolicy,
  type PolicyDocument,
  type PolicyStatement,
  workflowStateMachineNames,
} from './template-roles.js';
import { ACCOUNT_LOCK_TABLE, ACCOUNT_REGISTRY_TABLE } from '../../local/aws/index.js';

/**
 * Evaluates the calls the sandbox recorded against the synthesized roles with iam-simulate (an
 * evaluator written by nobody on this project), and finds the grants no call used.
 */

export interface ScenarioRun {
  scenario: string;
  template: Record<string, unknown>;
  calls: readonly AwsCallRecord<AccountState>[];
}

export interface Evaluation {
  scenario: string;
  /** The function (`onboard/FinalizeOnboarding`), or `… (reader key)` for a call signed with the reader's key. */
  principal: string;
  call: string;
  request: IamRequest;
  result: EvaluationResult;
}

/** One action of one statement of one function's role: what a reviewer keeps or removes. */
export interface Grant {
  function: string;
  statement: string;
  action: string;
}

export interface ConformanceResult {
  evaluations: Evaluation[];
  grants: Grant[];
  /** `grantKey`s of the grants some allowed request went through. */
  used: Set<string>;
  /** Anything that makes the evaluation itself untrustworthy: unmapped calls, invalid requests, unknown callers. */
  problems: string[];
}

export const grantKey = (grant: Grant): string => `${grant.function} | ${grant.statement} | ${grant.action}`;

/** A KMS key is usable only if its key policy says so; this is the default one, which defers to IAM. */
const defaultKeyPolicy = (account: string): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' } as never,
  ],
});

/**
 * iam-data lists Secrets Manager's tag key literally as `secretsmanager:ResourceTag/tag-key` (the
 * Service Authorization Reference names its placeholder "tag-key"), so iam-simulate can neither
 * take nor match `secretsmanager:ResourceTag/<key>`. On a secret it carries the same tag as the
 * global `aws:ResourceTag/<key>` (both are the Secret resource type's keys), so the simulated copy
 * of a policy uses that one; the template itself is not changed.
 */
export function forSimulator(document: PolicyDocument): PolicyDocument {
  const rename = (key: string): string => key.replace(/^secretsmanager:ResourceTag\//i, 'aws:ResourceTag/');
  return {
    ...document,
    Statement: document.Statement.map((statement) =>
      statement.Condition === undefined
        ? statement
        : {
            ...statement,
            Condition: Object.fromEntries(
              Object.entries(statement.Condition).map(([operator, entries]) => [
                operator,
                Object.fromEntries(Object.entries(entries).map(([key, value]) => [rename(key), value])),
              ]),
            ),
          },
    ),
  };
}

const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const globMatches = (pattern: string, value: string): boolean =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  ).test(value);
/** The grantable entries of a statement: each action, or its NotAction list as one entry (what it allows is "all but"). */
const actionEntries = (statement: PolicyStatement): string[] =>
  statement.Action !== undefined ? asList(statement.Action) : [`NotAction ${asList(statement.NotAction).join(', ')}`];
/** Whether a request for `action` goes through the entry. */
const entryAllows = (entry: string, action: string): boolean =>
  entry.startsWith('NotAction ')
    ? !entry
        .slice('NotAction '.length)
        .split(', ')
        .some((pattern) => globMatches(pattern, action))
    : globMatches(entry, action);

/** Statement keys per policy: the Sid, or the actions when CDK wrote none; unique within the function. */
function statementKeys(policies: readonly NamedPolicy[]): Map<string, string[]> {
  const seen = new Map<string, number>();
  const keys = new Map<string, string[]>();
  for (const policy of policies) {
    keys.set(
      policy.name,
      policy.document.Statement.map((statement) => {
        const base = statement.Sid ?? `(no Sid) ${asList(statement.Action ?? statement.NotAction).join(', ')}`;
        const count = (seen.get(base) ?? 0) + 1;
        seen.set(base, count);
        return count === 1 ? base : `${base} #${count}`;
      }),
    );
  }
  return keys;
}

interface Principal {
  label: string;
  arn: string;
  identity: NamedPolicy[];
  boundary: NamedPolicy | null;
  /** For the functions' roles: which grant each (policy, statement index) is, to record use. */
  grantsOf?: (policyName: string, statementIndex: number) => { statement: string; actions: string[] } | undefined;
}

export class ConformanceCheck {
  private readonly cache = new Map<string, Promise<{ result: EvaluationResult; allowedBy: { policy: string; index: number }[]; problem?: string }>>();
  private readonly result: ConformanceResult = { evaluations: [], grants: [], used: new Set(), problems: [] };
  private readonly grantKeys = new Set<string>();

  constructor(private readonly env: ArnEnvironment) {}

  async add(run: ScenarioRun): Promise<void> {
    const roles = functionRoles(run.template, this.env);
    const rotationArn = functionArnOf(roles, 'rotate/KeyRotation');
    const aliases: Record<string, string> = rotationArn ? { [ROTATION_FUNCTION_ARN]: rotationArn } : {};
    const resources = (run.template.Resources ?? {}) as Record<string, { Type?: string }>;
    const { partition, region, account } = this.env;
    // The sandbox's tables by name, the stack's by logical id (`…AccountLocksTable…`, `…AccountRegistryTable…`).
    const tables = Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::DynamoDB::Table');
    for (const [sandboxName, construct] of [
      [ACCOUNT_LOCK_TABLE, 'AccountLocks'],
      [ACCOUNT_REGISTRY_TABLE, 'AccountRegistry'],
    ] as const) {
      const table = tables.find(([logicalId]) => logicalId.includes(construct))?.[0];
      if (table)
        aliases[`arn:${partition}:dynamodb:${region}:${account}:table/${sandboxName}`] = `arn:${partition}:dynamodb:${region}:${account}:table/${table}`;
    }
    // The sandbox names an execution's state machine after its workflow (`…:execution:onboard:<name>`).
    for (const [workflow, name] of Object.entries(workflowStateMachineNames(run.template, this.env))) {
      aliases[`arn:${partition}:states:${region}:${account}:execution:${workflow}`] = `arn:${partition}:states:${region}:${account}:execution:${name}`;
    }
    const requestEnv: RequestEnvironment = { ...this.env, aliases };
    const principals = new Map<string, Principal>();
    for (const role of roles) {
      const keys = statementKeys(role.policies);
      for (const policy of role.policies) {
        policy.document.Statement.forEach((statement, index) => {
          if (statement.Effect !== 'Allow') return;
          for (const action of actionEntries(statement)) this.addGrant({ function: role.label, statement: keys.get(policy.name)?.[index] ?? '?', action });
        });
      }
      principals.set(role.label, {
        label: role.label,
        arn: role.roleArn,
        identity: role.policies,
        boundary: role.boundary,
        grantsOf: (policyName, statementIndex) => {
          const statement = role.policies.find((policy) => policy.name === policyName)?.document.Statement[statementIndex - 1];
          const key = keys.get(policyName)?.[statementIndex - 1];
          return statement && key ? { statement: key, actions: actionEntries(statement) } : undefined;
        },
      });
    }
    for (const call of run.calls) await this.evaluateCall(run, call, principals, requestEnv);
  }

  finish(): ConformanceResult {
    return this.result;
  }

  private addGrant(grant: Grant): void {
    const key = grantKey(grant);
    if (this.grantKeys.has(key)) return;
    this.grantKeys.add(key);
    this.result.grants.push(grant);
  }

  private async evaluateCall(run: ScenarioRun, call: AwsCallRecord<AccountState>, principals: Map<string, Principal>, env: RequestEnvironment): Promise<void> {
    const name = `${call.service}.${call.operation}`;
    const where = `${run.scenario}: ${name}`;
    if (!call.caller) return void this.result.problems.push(`${where} was made outside any function invocation.`);
    const label = `${call.caller.workflow}/${call.caller.task}`;
    const principal = call.principal.kind === 'function-role' ? principals.get(label) : this.readerPrincipal(run, call, label);
    if (!principal) return void this.result.problems.push(`${where} by ${label}: no such function (or key owner) in the template / account.`);
    let requests: IamRequest[];
    try {
      requests = iamRequestsFor(call, env);
    } catch (error) {
      if (!(error instanceof UnmappedCallError)) throw error;
      return void this.result.problems.push(`${where}: ${error.message}`);
    }
    for (const request of requests) {
      const outcome = await this.simulate(principal, request);
      if (outcome.problem) this.result.problems.push(`${where} → ${request.action} on ${request.resource}: ${outcome.problem}`);
      this.result.evaluations.push({ scenario: run.scenario, principal: principal.label, call: name, request, result: outcome.result });
      if (outcome.result !== 'Allowed' || !principal.grantsOf) continue;
      for (const { policy, index } of outcome.allowedBy) {
        const grant = principal.grantsOf(policy, index);
        for (const action of grant?.actions.filter((entry) => entryAllows(entry, request.action)) ?? []) {
          this.result.used.add(grantKey({ function: principal.label, statement: grant?.statement ?? '?', action }));
        }
      }
    }
  }

  /** A call signed with a key: the key's user, its inline policies and its permissions boundary (from the template). */
  private readerPrincipal(run: ScenarioRun, call: AwsCallRecord<AccountState>, label: string): Principal | undefined {
    if (call.principal.kind !== 'access-key' || !call.state) return undefined;
    const { accessKeyId } = call.principal;
    const owner = call.state.accessKeys.find((key) => key.accessKeyId === accessKeyId)?.userName;
    const user = call.state.users.find((candidate) => candidate.userName === owner);
    if (!user) return undefined;
    const boundaryArn = user.permissionsBoundary ?? null;
    const boundaryDocument = boundaryArn === null ? undefined : managedPolicyDocument(run.template, this.env, boundaryArn);
    if (boundaryArn !== null && !boundaryDocument) {
      this.result.problems.push(`${run.scenario}: reader ${user.userName} has boundary ${boundaryArn}, which is not a policy of the template.`);
      return undefined;
    }
    return {
      label: `${label} (reader key)`,
      arn: user.arn,
      identity: call.state.userPolicies
        .filter((policy) => policy.userName === user.userName)
        .map((policy) => ({ name: policy.policyName, document: policy.document })),
      boundary: boundaryArn !== null && boundaryDocument ? { name: boundaryArn, document: boundaryDocument } : null,
    };
  }

  private simulate(
    principal: Principal,
    request: IamRequest,
  ): Promise<{ result: EvaluationResult; allowedBy: { policy: string; index: number }[]; problem?: string }> {
    const simulation: Simulation = {
      request: {
        principal: principal.arn,
        action: request.action,
        resource: { resource: request.resource, accountId: this.env.account },
        contextVariables: request.context,
      },
      identityPolicies: principal.identity.map((policy) => ({ name: policy.name, policy: forSimulator(policy.document) })),
      permissionBoundaryPolicies: principal.boundary ? [{ name: principal.boundary.name, policy: forSimulator(principal.boundary.document) }] : undefined,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(request.action.startsWith('kms:') ? { resourcePolicy: defaultKeyPolicy(this.env.account) } : {}),
    };
    const key = JSON.stringify(simulation);
    let pending = this.cache.get(key);
    if (!pending) {
      pending = runSimulation(simulation, {}).then((response) => {
        if (response.resultType === 'error')
          return { result: 'ImplicitlyDenied' as const, allowedBy: [], problem: `iam-simulate rejected the request: ${response.errors.message}` };
        if (response.resultType !== 'single') return { result: response.overallResult, allowedBy: [], problem: 'the resource is a pattern, not one ARN' };
        const { analysis, ignoredContextKeys = [] } = response.result;
        const allowedBy = (analysis.identityAnalysis?.allowStatements ?? []).map((statement) => ({
          policy: statement.policyId,
          index: statement.statement.index(),
        }));
        const problem = ignoredContextKeys.length > 0 ? `context keys not applicable to the action (SAR): ${ignoredContextKeys.join(', ')}` : undefined;
        return { result: response.overallResult, allowedBy, ...(problem ? { problem } : {}) };
      });
      this.cache.set(key, pending);
    }
    return pending;
  }
}
