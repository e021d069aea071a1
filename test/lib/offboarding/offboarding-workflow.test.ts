import { App, Stack } from 'aws-cdk-lib';
import { AccountRegistryTable } from '../../../lib/registry/account-registry-table.js';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { beforeAll, describe, expect, it } from 'vitest';
import { runtimeSettingsSchema, type RuntimeSettings } from '../../../lambda/contract/runtime-settings.js';
import { OffboardingState, OffboardingTask, type OffboardingTaskName } from '../../../lambda/contract/offboarding-states.js';
import { DIRECTOR_CALLING_TASKS, OffboardingWorkflow, type OffboardingWorkflowProps } from '../../../lib/offboarding/offboarding-workflow.js';
import { extractDefinition } from '../../../local/sandbox/definition.js';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import { AccountLockTable } from '../../../lib/shared/account-lock-table.js';

const DIRECTOR_SECRET = 'logpoint/director/api';
const TASKS = Object.keys(OffboardingTask) as OffboardingTaskName[];

const settings: RuntimeSettings = runtimeSettingsSchema.parse({
  director: { baseUrl: 'https://director.example.com', poolUuid: 'a'.repeat(32), logpointId: 'b'.repeat(32), credentialSecretId: DIRECTOR_SECRET },
  trail: { bucketName: 'org-trail-bucket' },
  logSource: {},
});

interface Synthesized {
  stack: Stack;
  workflow: OffboardingWorkflow;
  template: Template;
  definition: Record<string, unknown>;
}

function synthesize(props: Partial<OffboardingWorkflowProps> = {}): Synthesized {
  // Bundling is skipped: these tests look at the template, never at the code.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'OffboardingTest', { env: { account: '123456789012', region: 'eu-west-1' } });
  const directorSecret = Secret.fromSecretNameV2(stack, 'DirectorSecret', DIRECTOR_SECRET);
  const accountLocks = new AccountLockTable(stack, 'AccountLocks');
  const accountRegistry = new AccountRegistryTable(stack, 'AccountRegistry');
  const workflow = new OffboardingWorkflow(stack, 'Offboarding', { settings, directorSecret, accountLocks, accountRegistry, ...props });
  const template = Template.fromStack(stack);
  return { stack, workflow, template, definition: extractDefinition(template.toJSON()) };
}

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, string>>;
}

/** Every statement of every policy attached to the function's role. */
function statementsOf(synthesized: Synthesized, fn: IFunction): Statement[] {
  const roleId = synthesized.stack.getLogicalId(fn.role?.node.defaultChild as CfnRole);
  const policies = synthesized.template.findResources('AWS::IAM::Policy', { Properties: { Roles: Match.arrayWith([{ Ref: roleId }]) } });
  return Object.values(policies).flatMap(
    (policy) => (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
  );
}

const actionsOf = (statement: Statement): string[] => [statement.Action].flat();
const render = (value: unknown): string => JSON.stringify(value);

interface TaskState {
  Type: string;
  Retry?: { ErrorEquals: string[] }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Parameters?: Record<string, unknown>;
  Next?: string;
}
const stateOf = (definition: Record<string, unknown>, name: string): TaskState =>
  (definition.States as Record<string, TaskState>)[name] ?? expect.fail(`no state ${name}`);
const retriedErrors = (state: TaskState): string[] => (state.Retry ?? []).flatMap((retry) => retry.ErrorEquals);

describe('OffboardingWorkflow construct', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesize();
  });

  describe('observability', () => {
    it('logs every state machine event without execution data, and traces with X-Ray', () => {
      // Act
      const machines = Object.values(synthesized.template.findResources('AWS::StepFunctions::StateMachine'));

      // Assess
      expect(machines).toMatchObject([
        { Properties: { TracingConfiguration: { Enabled: true }, LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false } } },
      ]);
    });

    it('creates one traced Lambda per workflow step, each bundled from its own handler file', () => {
      // Act
      const functions = synthesized.template.findResources('AWS::Lambda::Function');

      // Assess
      expect(Object.keys(functions)).toHaveLength(TASKS.length);
      for (const resource of Object.values(functions)) {
        expect((resource as { Properties: { TracingConfig: unknown } }).Properties.TracingConfig).toEqual({ Mode: 'Active' });
      }
      for (const name of TASKS) expect(synthesized.workflow.functions[name]).toBeDefined();
    });
  });

  describe('least privilege', () => {
    it('grants no wildcard action to any function', () => {
      // Act
      const statements = TASKS.flatMap((name) => statementsOf(synthesized, synthesized.workflow.functions[name]));

      // Assess
      expect(statements.length).toBeGreaterThan(0);
      for (const statement of statements) {
        for (const action of actionsOf(statement)) expect(action, `${render(statement)}`).not.toContain('*');
      }
    });

    it('lets only RemoveReader delete IAM things, only on user/logpoint/cloudtrail-reader-<account> users tagged as ours', () => {
      // Act
      const deleting = TASKS.flatMap((name) =>
        statementsOf(synthesized, synthesized.workflow.functions[name])
          .filter((statement) => actionsOf(statement).some((action) => action.startsWith('iam:Delete')))
          .map((statement) => ({ name, statement })),
      );

      // Assess
      expect(deleting.map(({ name }) => name)).toEqual(['RemoveReader']);
      const statement = deleting[0]?.statement as Statement;
      expect(actionsOf(statement).sort()).toEqual(['iam:DeleteAccessKey', 'iam:DeleteUser', 'iam:DeleteUserPolicy']);
      expect(render(statement.Resource)).toContain(':user/logpoint/cloudtrail-reader-????????????');
      expect(statement.Condition).toEqual({ StringEquals: { 'iam:ResourceTag/logpoint:managed-by': 'logpoint-cloudtrail-onboarding' } });
    });

    it('gives every IAM action only the reader-user ARN pattern', () => {
      // Act
      const iamStatements = TASKS.flatMap((name) => statementsOf(synthesized, synthesized.workflow.functions[name])).filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('iam:')),
      );

      // Assess
      expect(iamStatements.length).toBeGreaterThan(0);
      for (const statement of iamStatements) {
        expect(Array.isArray(statement.Resource), `${render(statement)}`).toBe(false);
        // A user that does not exist is authorized without its path: only GetUser may name it so.
        const pattern = actionsOf(statement).every((action) => action === 'iam:GetUser')
          ? /:user\/(logpoint\/)?cloudtrail-reader-\?{12}"\]\]\}$/
          : /:user\/logpoint\/cloudtrail-reader-\?{12}"\]\]\}$/;
        expect(render(statement.Resource)).toMatch(new RegExp(`:iam::123456789012${pattern.source}`));
      }
    });

    it('lets only ScheduleSecretDeletion delete a secret, only logpoint/cloudtrail/<account> tagged as ours, and never read a value', () => {
      // Act
      const bySecretAction = TASKS.map((name) => ({
        name,
        statements: statementsOf(synthesized, synthesized.workflow.functions[name]).filter((statement) =>
          actionsOf(statement).some((action) => action.startsWith('secretsmanager:')),
        ),
      }));
      const deleting = bySecretAction.filter(({ statements }) => statements.some((statement) => actionsOf(statement).includes('secretsmanager:DeleteSecret')));
      const schedule = statementsOf(synthesized, synthesized.workflow.functions.ScheduleSecretDeletion);

      // Assess
      expect(deleting.map(({ name }) => name)).toEqual(['ScheduleSecretDeletion']);
      const deleteStatement = schedule.find((statement) => actionsOf(statement).includes('secretsmanager:DeleteSecret'));
      expect(render(deleteStatement?.Resource)).toContain(':secret:logpoint/cloudtrail/????????????-??????');
      expect(deleteStatement?.Condition).toEqual({
        StringEquals: { 'secretsmanager:ResourceTag/logpoint:managed-by': 'logpoint-cloudtrail-onboarding' },
      });
      for (const statement of schedule) expect(actionsOf(statement)).not.toContain('secretsmanager:GetSecretValue');
    });

    it('lets only the Director-calling functions read the Director secret and store a refreshed token', () => {
      // Act
      const touchingDirectorSecret = TASKS.filter((name) =>
        statementsOf(synthesized, synthesized.workflow.functions[name]).some((statement) => render(statement.Resource).includes(DIRECTOR_SECRET)),
      );

      // Assess
      expect(touchingDirectorSecret.sort()).toEqual([...DIRECTOR_CALLING_TASKS].sort());
      for (const name of DIRECTOR_CALLING_TASKS) {
        const actions = statementsOf(synthesized, synthesized.workflow.functions[name])
          .filter((statement) => render(statement.Resource).includes(DIRECTOR_SECRET))
          .flatMap(actionsOf);
        expect(actions).toEqual(expect.arrayContaining(['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue']));
      }
    });

    it('scopes the token write-back to the real Director secret ARN (name plus the random suffix), like the read', () => {
      // Act
      const statements = statementsOf(synthesized, synthesized.workflow.functions.CheckOrder);
      const resourceOf = (action: string) => render(statements.find((statement) => actionsOf(statement).includes(action))?.Resource);

      // Assess
      expect(resourceOf('secretsmanager:PutSecretValue')).toContain(`:secret:${DIRECTOR_SECRET}-??????`);
      expect(resourceOf('secretsmanager:PutSecretValue')).toBe(resourceOf('secretsmanager:GetSecretValue'));
    });

    it('gives ValidateOffboardInput and DescribeOffboardingFailure no AWS permission beyond their own logs and traces', () => {
      for (const name of ['ValidateOffboardInput', 'DescribeOffboardingFailure'] as const) {
        // Act
        const actions = statementsOf(synthesized, synthesized.workflow.functions[name]).flatMap(actionsOf);

        // Assess
        for (const action of actions) expect(action, `${name}: ${action}`).toMatch(/^(logs|xray):/);
      }
    });
  });

  describe('the definition', () => {
    it('retries DIRECTOR_UNAVAILABLE on every Director call, and never NOT_OWNED or a failed or timed-out order', () => {
      // Act
      const { definition } = synthesized;

      // Assess
      for (const name of DIRECTOR_CALLING_TASKS) expect(retriedErrors(stateOf(definition, name))).toContain(ErrorCode.DIRECTOR_UNAVAILABLE);
      for (const name of TASKS) {
        const retried = retriedErrors(stateOf(definition, name));
        for (const permanent of [ErrorCode.NOT_OWNED, ErrorCode.DIRECTOR_ORDER_FAILED, ErrorCode.DIRECTOR_ORDER_TIMEOUT, ErrorCode.INVALID_INPUT]) {
          expect(retried, `${name} retries ${permanent}`).not.toContain(permanent);
        }
        expect(retried).toContain('Lambda.ServiceException');
      }
    });

    it('sends every failure of a step to DescribeOffboardingFailure, then (lock released) the failure event, then a Fail with the typed code', () => {
      // Act
      const { definition } = synthesized;

      // Assess
      for (const name of TASKS.filter((task) => task !== 'DescribeOffboardingFailure' && task !== 'ReleaseLock')) {
        expect(stateOf(definition, name).Catch, `${name}`).toEqual([
          { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'DescribeOffboardingFailure' },
        ]);
      }
      // A release that fails changes nothing: the run goes on to its event either way.
      expect(stateOf(definition, 'ReleaseLock').Catch).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.lockReleaseError', Next: OffboardingState.AfterLockRelease },
      ]);
      expect(stateOf(definition, 'DescribeOffboardingFailure').Next).toBe(OffboardingState.HoldsLock);
      expect(stateOf(definition, OffboardingState.AfterLockRelease)).toMatchObject({
        Choices: [{ Variable: '$.failure', IsPresent: true, Next: OffboardingState.PublishOffboardingFailed }],
        Default: OffboardingState.PublishOffboarded,
      });
      expect(stateOf(definition, OffboardingState.PublishOffboardingFailed).Next).toBe(OffboardingState.OffboardingFailed);
      expect(stateOf(definition, OffboardingState.OffboardingFailed)).toMatchObject({
        Type: 'Fail',
        ErrorPath: '$.failure.code',
        CausePath: '$.failure.message',
      });
    });

    it('reaches RemoveReader only after a finished deletion or when there is no log source', () => {
      // Act
      const states = synthesized.definition.States as Record<string, { Choices?: unknown[]; Default?: string; Next?: string }>;
      const leadingToRemoveReader = Object.entries(states)
        .filter(
          ([, state]) => state.Next === 'RemoveReader' || state.Default === 'RemoveReader' || render(state.Choices ?? []).includes('"Next":"RemoveReader"'),
        )
        .map(([name]) => name);

      // Assess
      expect(leadingToRemoveReader.sort()).toEqual([OffboardingState.HasLogSource, OffboardingState.IsOrderDone, OffboardingState.WasDeleteSubmitted].sort());
      expect(states[OffboardingState.IsOrderDone]?.Default).toBe(OffboardingState.WaitForOrder);
      expect(render(states[OffboardingState.IsOrderDone]?.Choices)).toBe(
        render([
          {
            Or: [
              { Variable: '$.order.status', StringEquals: 'DELETED' },
              { Variable: '$.order.status', StringEquals: 'ALREADY_GONE' },
            ],
            Next: 'RemoveReader',
          },
        ]),
      );
      expect(states[OffboardingState.WasDeleteSubmitted]?.Default).toBe(OffboardingState.StartOrderPolling);
    });

    it('schedules the secret deletion with a 7-day recovery window unless configured otherwise', () => {
      // Act
      const longer = synthesize({ secretRecoveryWindowDays: 30 });

      // Assess
      expect(stateOf(synthesized.definition, 'ScheduleSecretDeletion').Parameters).toMatchObject({ recoveryWindowDays: 7 });
      expect(stateOf(longer.definition, 'ScheduleSecretDeletion').Parameters).toMatchObject({ recoveryWindowDays: 30 });
    });

    it('refuses a recovery window Secrets Manager would reject', () => {
      for (const days of [0, 6, 31, 7.5]) {
        expect(() => synthesize({ secretRecoveryWindowDays: days })).toThrow(/secretRecoveryWindowDays/);
      }
    });

    it('publishes Offboarding Succeeded and Offboarding Failed on source logpoint.onboarding', () => {
      // Act
      const { definition } = synthesized;
      const entryOf = (name: string) => (stateOf(definition, name).Parameters as { Entries: Record<string, unknown>[] }).Entries[0];

      // Assess
      expect(entryOf(OffboardingState.PublishOffboarded)).toMatchObject({
        Source: 'logpoint.onboarding',
        DetailType: 'Offboarding Succeeded',
        Detail: expect.objectContaining({ 'neverOnboarded.$': '$.result.neverOnboarded', 'alreadyGone.$': '$.result.alreadyGone' }),
      });
      expect(entryOf(OffboardingState.PublishOffboardingFailed)).toMatchObject({
        Source: 'logpoint.onboarding',
        DetailType: 'Offboarding Failed',
        Detail: expect.objectContaining({ 'errorCode.$': '$.failure.code' }),
      });
      synthesized.template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'events:PutEvents' })]) },
      });
    });
  });
});
