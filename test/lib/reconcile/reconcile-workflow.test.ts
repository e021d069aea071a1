import { describe, expect, it } from 'vitest';
import { extractDefinitions, RECONCILE_START_STATE } from '../../../local/sandbox/definition.js';
import { exampleConfig, resourcesOf, synthStack, type Resource } from '../stack-fixture.js';

/** The reconciliation workflow as synthesized: its states, its grants, its schedule. */

interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
}

function reconcileOf(overrides: Record<string, unknown> = {}) {
  const { template } = synthStack(exampleConfig(overrides));
  const resources = resourcesOf(template);
  const definition = extractDefinitions(template.toJSON()).find((candidate) => candidate.StartAt === RECONCILE_START_STATE);
  if (!definition) throw new Error('no reconciliation state machine');
  const findDriftStatements = Object.entries(resources)
    .filter(([logicalId, resource]) => resource.Type === 'AWS::IAM::Policy' && logicalId.includes('FindDrift'))
    .flatMap(([, policy]) => (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
  return { resources, states: definition.States as Record<string, Record<string, unknown>>, findDriftStatements };
}

const rules = (resources: Record<string, Resource>) =>
  Object.values(resources).filter(
    (resource) => resource.Type === 'AWS::Events::Rule' && ((resource.Properties?.Description as string | undefined) ?? '').includes('reconciliation'),
  );

describe('the reconciliation workflow', () => {
  it('finds drift, then repairs through the onboarding and offboarding workflows in bounded Maps, and publishes only when it found some', () => {
    const { states } = reconcileOf({ fleet: { maxConcurrency: 3 } });

    expect(states.FindDrift?.Next).toBe('RepairNotCollected');
    const missing = states.RepairNotCollected as { MaxConcurrency: number; Next: string; ItemProcessor: { States: Record<string, { Resource?: string }> } };
    expect(missing.MaxConcurrency).toBe(3);
    expect(missing.ItemProcessor.States.OnboardMissing?.Resource).toMatch(/states:startExecution\.sync:2$/);
    expect(missing.Next).toBe('RepairClosed');
    const closed = states.RepairClosed as { Next: string; ItemProcessor: { States: Record<string, { Resource?: string }> } };
    expect(closed.ItemProcessor.States.OffboardClosed?.Resource).toMatch(/states:startExecution\.sync:2$/);
    expect(closed.Next).toBe('AnyDrift');
    expect(states.AnyDrift).toMatchObject({
      Choices: [{ Variable: '$.drift.counts.findings', NumericGreaterThan: 0, Next: 'PublishDriftDetected' }],
      Default: 'Reconciled',
    });
  });

  it('leaves the closed-account repair out when the stack has no offboarding workflow, and tells FindDrift so', () => {
    const { states } = reconcileOf({ offboarding: { enabled: false } });

    expect(states.RepairClosed).toBeUndefined();
    expect(states.FindDrift?.Parameters).toMatchObject({ canOffboard: false });
  });

  it('gives FindDrift the listing, the registry scan and write, the Director secret and its own logs and traces, nothing else', () => {
    const actions = reconcileOf()
      .findDriftStatements.flatMap((statement) => statement.Action)
      .sort();

    expect(actions).toEqual(
      [
        'dynamodb:Scan',
        'dynamodb:UpdateItem',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'organizations:ListAccounts',
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
        'secretsmanager:PutSecretValue',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
  });

  it('runs once a day by default, on the configured schedule, or only by hand', () => {
    expect(rules(reconcileOf().resources).map((rule) => rule.Properties?.ScheduleExpression)).toEqual(['rate(1 day)']);
    expect(rules(reconcileOf({ reconcile: { schedule: 'cron(0 4 * * ? *)' } }).resources).map((rule) => rule.Properties?.ScheduleExpression)).toEqual([
      'cron(0 4 * * ? *)',
    ]);
    expect(rules(reconcileOf({ reconcile: { schedule: null } }).resources)).toEqual([]);
  });
});
