import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CA_BUNDLE_FILE_NAME, OnboardingFunction } from '../../../lib/shared/onboarding-function.js';

const TLS_FIXTURE_CA = path.join(import.meta.dirname, '..', '..', 'fixtures', 'tls', 'test-only-ca.cert.pem');

let outdir: string;

beforeEach(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'onboarding-function-'));
});

afterEach(() => {
  rmSync(outdir, { recursive: true, force: true });
});

describe('OnboardingFunction with a Director CA bundle', () => {
  it('copies the PEM next to the bundled handler and points NODE_EXTRA_CA_CERTS at it', () => {
    // Prepare: real bundling (local esbuild) of one small handler.
    const app = new App({ outdir, builtinCloudFormationValidation: false, context: { 'aws:cdk:enable-asset-metadata': true } });
    const stack = new Stack(app, 'Bundle');
    new OnboardingFunction(stack, 'CheckOrder', { handlerFile: 'onboarding/check-order', description: 'test', caBundleFile: TLS_FIXTURE_CA });

    // Act
    const assembly = app.synth();

    // Assess
    const template = Template.fromJSON(assembly.getStackByName('Bundle').template as Record<string, unknown>);
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function')) as {
      Properties: { Environment: { Variables: Record<string, string> } };
      Metadata: Record<string, string>;
    }[];
    expect(fn?.Properties.Environment.Variables.NODE_EXTRA_CA_CERTS).toBe(`/var/task/${CA_BUNDLE_FILE_NAME}`);
    const assetDir = path.join(outdir, fn?.Metadata['aws:asset:path'] ?? 'missing');
    expect(existsSync(path.join(assetDir, 'index.mjs'))).toBe(true);
    expect(readFileSync(path.join(assetDir, CA_BUNDLE_FILE_NAME), 'utf8')).toBe(readFileSync(TLS_FIXTURE_CA, 'utf8'));
  });
});
