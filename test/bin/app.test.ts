import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_PATH } from '../../lib/product/app-config.js';
import { GuardSuppressions } from '../../lib/shared/guard-suppressions.js';

/**
 * Runs bin/app.ts the way the CDK CLI does: a child process that gets its context in
 * CDK_CONTEXT_JSON and writes the cloud assembly to CDK_OUTDIR.
 */
const PROJECT_ROOT = path.join(import.meta.dirname, '..', '..');

let workDir: string;

beforeEach(() => {
  workDir = mkdtempSync(path.join(tmpdir(), 'bin-app-'));
});

afterEach(() => {
  rmSync(workDir, { recursive: true, force: true });
});

function runApp(context: Record<string, unknown>): { status: number | null; stdout: string; stderr: string; outdir: string } {
  const outdir = path.join(workDir, 'cdk.out');
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      // Asset bundling is not what these tests are about; it would only cost time.
      CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:bundling-stacks': [], ...context }),
      CDK_OUTDIR: outdir,
    },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, outdir };
}

/** The parts of cdk.out/validation-report.json (written by every synth with validation plugins) these tests read. */
interface ValidationReport {
  pluginReports: {
    pluginName: string;
    conclusion: string;
    violations: unknown[];
    suppressedViolations?: { ruleName: string; violatingConstructs: unknown[] }[];
  }[];
}

describe('bin/app.ts', () => {
  it('stops with exit code 1 and names the field when the config is wrong', () => {
    // Prepare
    const example = JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, 'utf8')) as Record<string, unknown>;
    const badConfig = path.join(workDir, 'bad.json');
    writeFileSync(badConfig, JSON.stringify({ ...example, onboardAccountId: '12345' }));

    // Act
    const result = runApp({ config: badConfig });

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`Invalid config ${badConfig}`);
    expect(result.stderr).toContain('onboardAccountId: must be a 12-digit AWS account id');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('synthesizes the example config with no arguments, cdk-nag and the Control Tower guard rules finding nothing, and uses the deploy nonce from context', () => {
    // Act
    const result = runApp({ deployNonce: 'bin-test-nonce' });

    // Assess
    expect(result.stderr).not.toMatch(/AwsSolutions-/);
    expect(result.stderr).not.toMatch(/cdk-validator-cfnguard/);
    expect(result.status).toBe(0);
    // The guard ran: no finding left, and every entry of lib/shared/guard-suppressions.ts still matches one (a fixed finding's entry goes).
    const report = JSON.parse(readFileSync(path.join(result.outdir, 'validation-report.json'), 'utf8')) as ValidationReport;
    const guard = report.pluginReports.find((plugin) => plugin.pluginName === 'cdk-validator-cfnguard');
    expect(guard).toMatchObject({ conclusion: 'success', violations: [] });
    const suppressedRules = new Set(
      guard?.suppressedViolations?.filter((violation) => violation.violatingConstructs.length > 0).map((violation) => violation.ruleName),
    );
    expect([...suppressedRules].sort()).toEqual(
      Object.values(GuardSuppressions)
        .map((suppression) => suppression.rule)
        .sort(),
    );
    const template = JSON.parse(readFileSync(path.join(result.outdir, 'LogpointCloudTrailOnboarding.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
    };
    const trigger = Object.values(template.Resources).find((resource) => resource.Type === 'Custom::LogpointCloudTrailOnboarding');
    expect(trigger?.Properties).toMatchObject({ AccountId: '111122223333', DeployNonce: 'bin-test-nonce' });
    // cdk-nag saw the whole default product: onboarding, offboarding, fleet and reconciliation state machines and the rotation function.
    expect(Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::StepFunctions::StateMachine')).toHaveLength(4);
    expect(
      Object.values(template.Resources).filter(
        (resource) => resource.Type === 'AWS::Lambda::Permission' && resource.Properties?.Principal === 'secretsmanager.amazonaws.com',
      ),
    ).toHaveLength(1);
  });
});
