import { CreateAccessKeyCommand, DeleteAccessKeyCommand } from '@aws-sdk/client-iam';
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_ACCOUNT_ID } from '../../local/sandbox/constants.js';
import { startSandbox, type Sandbox } from '../../local/sandbox/environment.js';
import { currentReaderKey, eventsOf, readerUserNameOf } from '../workflow/support.js';
import { snapshotAccount } from './account-snapshot.js';
import { AwsFaults, awsErrors } from './aws-faults.js';
import type { RunRecord } from './fault-types.js';
import { afterFaultChecks } from './invariants.js';
import { captureOutput, findLeaks, secretsOf } from './leak-scan.js';
import { isSelected } from './runner.js';

/**
 * The battery's own machinery: a fault that "held" means something only if the invariants do
 * break on a broken account, the leak search does find a printed secret, and an AWS fault aimed at
 * one step hits that step and no other.
 */

const ACCOUNT = SANDBOX_ACCOUNT_ID;
const input = { accountId: ACCOUNT, trigger: 'fault-harness-test' };
let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

async function onboarded(): Promise<{ box: Sandbox; run: RunRecord }> {
  const box = await startSandbox({ waitMs: 1, director: { orderDelayMs: 20 } });
  sandbox = box;
  const result = await box.run(input);
  expect(result.status).toBe('SUCCEEDED');
  return { box, run: { workflow: 'onboard', result } };
}

const brokenNames = (box: Sandbox, runs: RunRecord[]): string[] =>
  afterFaultChecks(snapshotAccount(box, ACCOUNT), runs, box.events)
    .filter((check) => !check.ok)
    .map((check) => check.name);

describe('fault battery invariants', () => {
  it('hold for a cleanly onboarded account', async () => {
    // Prepare
    const { box, run } = await onboarded();

    // Act
    const broken = brokenNames(box, [run]);

    // Assess
    expect(broken).toEqual([]);
  });

  it('break when the key Director holds was deleted: Director on a dead key', async () => {
    // Prepare
    const { box, run } = await onboarded();
    const { accessKeyId } = currentReaderKey(box, ACCOUNT);

    // Act
    await box.aws.iam.send(new DeleteAccessKeyCommand({ UserName: readerUserNameOf(ACCOUNT), AccessKeyId: accessKeyId }));

    // Assess
    expect(brokenNames(box, [run])).toEqual(expect.arrayContaining(['director-keys-live', 'director-key-current']));
  });

  it('break on a reader key that neither the secret nor Director holds', async () => {
    // Prepare
    const { box, run } = await onboarded();

    // Act
    await box.aws.iam.send(new CreateAccessKeyCommand({ UserName: readerUserNameOf(ACCOUNT) }));

    // Assess
    expect(brokenNames(box, [run])).toEqual(['keys-referenced']);
  });

  it('break on a failed run that published no failure event', async () => {
    // Prepare
    const { box, run } = await onboarded();
    const failed: RunRecord = { workflow: 'onboard', result: { ...run.result, status: 'FAILED', error: { code: 'INTERNAL', message: 'x' } } };

    // Act
    const broken = brokenNames(box, [failed]);

    // Assess
    expect(broken).toContain('failure-event');
  });
});

describe('fault battery leak search', () => {
  it('finds a reader secret key printed to the console, naming only its position', async () => {
    // Prepare
    const { box } = await onboarded();
    const { secretAccessKey } = currentReaderKey(box, ACCOUNT);
    const capture = captureOutput();

    // Act
    console.info(`oops ${secretAccessKey}`);
    const output = capture.stop();

    // Assess
    const leaks = findLeaks([{ label: 'output', content: output }], await secretsOf(box));
    expect(leaks).toHaveLength(1);
    expect(leaks[0]).toMatch(/^output holds secret #\d+ \(\d+ characters\)$/);
    expect(leaks[0]).not.toContain(secretAccessKey);
  });
});

describe('fault battery AWS faults', () => {
  it('fail a command only in the step they aim at: GetSecretValue in RegisterLogSource, not in VerifyAccess before it', async () => {
    // Prepare
    const box = await startSandbox({ waitMs: 1, director: { orderDelayMs: 20 } });
    sandbox = box;
    const faults = new AwsFaults(box);
    faults.install();
    faults.failNext({ service: 'SecretsManager', operation: 'GetSecretValue', error: awsErrors.secretsThrottling, step: 'RegisterLogSource' });

    // Act
    const result = await box.run(input);
    faults.uninstall();

    // Assess
    expect(faults.pending()).toBe(0);
    expect(eventsOf(result, 'failed').map((event) => `${event.state}: ${event.error}`)).toEqual(['RegisterLogSource: AWS_UNAVAILABLE']);
  });

  it('fail S3 calls, which the S3 sandbox cannot fail itself: SlowDown on HeadBucket in CheckBucket', async () => {
    // Prepare
    const box = await startSandbox({ waitMs: 1, director: { orderDelayMs: 20 } });
    sandbox = box;
    const faults = new AwsFaults(box);
    faults.install();
    faults.failNext({ service: 'S3', operation: 'HeadBucket', error: awsErrors.s3SlowDown, step: 'CheckBucket' });

    // Act
    const result = await box.run(input);
    faults.uninstall();

    // Assess
    expect(eventsOf(result, 'failed').map((event) => `${event.state}: ${event.error}`)).toEqual(['CheckBucket: AWS_UNAVAILABLE']);
  });
});

describe('fault selection', () => {
  it('selects faults by exact name or * pattern, and all of them without a filter', () => {
    // Prepare, Act, Assess
    expect(isSelected('director-order-lost', undefined)).toBe(true);
    expect(isSelected('director-order-lost', 'director-order-lost')).toBe(true);
    expect(isSelected('director-order-lost-rerun', 'director-order-lost')).toBe(false);
    expect(isSelected('director-order-lost-rerun', 'crash-*,director-order-*')).toBe(true);
  });
});
