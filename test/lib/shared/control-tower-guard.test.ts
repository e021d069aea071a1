import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Stack, Validations, type IPolicyValidationPlugin } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlTowerGuard, repairGuardReport } from '../../../lib/shared/control-tower-guard.js';

/** Acknowledgement id of CT.SQS.PR.1 ("an SQS queue has a dead-letter queue"). */
const SQS_DLQ_RULE = 'cdk-validator-cfnguard::sqs_dlq_check';

let outdir: string;

beforeEach(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'guard-'));
});

afterEach(() => {
  rmSync(outdir, { recursive: true, force: true });
});

/** Two queues without a dead-letter queue (each a CT.SQS.PR.1 finding), the first one acknowledged. */
function appWithTwoQueues(plugin: IPolicyValidationPlugin, acknowledgeBoth = false): App {
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  Validations.of(app).addPlugins(plugin);
  const stack = new Stack(app, 'GuardTest');
  const acknowledged = new Queue(stack, 'AcknowledgedQueue', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true });
  const other = new Queue(stack, 'OtherQueue', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true });
  Validations.of(acknowledged).acknowledge({ id: SQS_DLQ_RULE, reason: 'test' });
  if (acknowledgeBoth) Validations.of(other).acknowledge({ id: SQS_DLQ_RULE, reason: 'test' });
  return app;
}

describe('ControlTowerGuard', () => {
  it('fails the synth on a finding that is not acknowledged, also when another finding is', () => {
    // Act + Assess
    expect(() => appWithTwoQueues(new ControlTowerGuard()).synth()).toThrow(/CT\.SQS\.PR\.1[\s\S]*GuardTest\/OtherQueue/);
  });

  it('passes the synth once every finding is acknowledged', () => {
    // Act + Assess
    expect(() => appWithTwoQueues(new ControlTowerGuard(), true).synth()).not.toThrow();
  });

  it('repairs a real defect: the plugin on its own lets the unacknowledged finding pass (remove the repair when this fails)', () => {
    // Act + Assess
    expect(() => appWithTwoQueues(new CfnGuardValidator()).synth()).not.toThrow();
  });
});

describe('repairGuardReport', () => {
  const located = { resourceLogicalId: 'TopicKey1234', templatePath: 'Stack.template.json', locations: ['/Resources/TopicKey1234/Properties'] };
  const unattributed = { templatePath: 'Stack.template.json', locations: [''] };

  it('makes every finding an error and the report a failure', () => {
    // Act
    const report = repairGuardReport({ success: false, violations: [{ ruleName: 'rule', description: 'd', violatingResources: [located] }] });

    // Assess
    expect(report).toMatchObject({ success: false, violations: [{ ruleName: 'rule', severity: 'error', violatingResources: [located] }] });
  });

  it('drops a resource with no logical id next to a named one, but keeps a finding that names no resource', () => {
    // Act
    const report = repairGuardReport({
      success: false,
      violations: [
        { ruleName: 'duplicated', description: 'd', violatingResources: [located, unattributed] },
        { ruleName: 'unnamed', description: 'd', violatingResources: [unattributed] },
      ],
    });

    // Assess
    expect(report.violations.map((violation) => [violation.ruleName, violation.violatingResources])).toEqual([
      ['duplicated', [located]],
      ['unnamed', [unattributed]],
    ]);
  });
});
