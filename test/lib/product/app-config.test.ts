import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG_PATH, loadAppConfig, parseAppConfig, runtimeSettingsFromConfig } from '../../../lib/product/app-config.js';

const TLS_FIXTURE_CA = path.join(import.meta.dirname, '..', '..', 'fixtures', 'tls', 'test-only-ca.cert.pem');

function example(): Record<string, unknown> {
  return JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, 'utf8')) as Record<string, unknown>;
}

function configError(raw: unknown, source = 'test.json'): ConfigError {
  try {
    parseAppConfig(raw, source);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

let workDir: string;

beforeEach(() => {
  workDir = mkdtempSync(path.join(tmpdir(), 'app-config-'));
});

afterEach(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('the bundled example config', () => {
  it('is valid and fills the documented defaults', () => {
    // Act
    const { config } = loadAppConfig();

    // Assess
    expect(config.onboardAccountId).toBe('111122223333');
    expect(config.triggers).toEqual({ organizations: true, controlTower: true, starterReservedConcurrency: 5 });
    expect(config.notifications).toEqual({});
    expect(config.orderPolling.deadlineSeconds).toBe(1800);
    expect(config.keyRotation).toEqual({ enabled: true, scheduleDays: 90 });
    expect(config.offboarding).toEqual({ enabled: true, secretRecoveryWindowDays: 7 });
  });

  it('yields runtime settings without the synth-only CA file path', () => {
    // Prepare
    const { config } = parseAppConfig({ ...example(), director: { ...(example().director as object), caBundleFile: TLS_FIXTURE_CA } });

    // Act
    const settings = runtimeSettingsFromConfig(config);

    // Assess
    expect(settings.director).not.toHaveProperty('caBundleFile');
    expect(settings.director.baseUrl).toBe('https://director.example.com');
  });
});

describe('a wrong config fails with the field and what it expects', () => {
  it.each([
    ['onboardAccountId', { onboardAccountId: '1234' }, 'onboardAccountId: must be a 12-digit AWS account id'],
    ['director.baseUrl', { director: { ...(example().director as object), baseUrl: 'http://director.example.com' } }, 'director.baseUrl: must be an https URL'],
    ['director.poolUuid', { director: { ...(example().director as object), poolUuid: 'pool' } }, 'director.poolUuid: must be the 32-character hex pool UUID'],
    [
      'director.baseUrl (credentials)',
      { director: { ...(example().director as object), baseUrl: 'https://admin:secret@director.example.com' } },
      'director.baseUrl: must be the bare https://<host>[:port] of the API server',
    ],
    [
      'director.baseUrl (query)',
      { director: { ...(example().director as object), baseUrl: 'https://director.example.com/?token=abc' } },
      'director.baseUrl: must be the bare https://<host>[:port] of the API server',
    ],
    ['trail.bucketName', { trail: { bucketName: 'Not_A_Bucket' } }, 'trail.bucketName: must be a valid S3 bucket name'],
    ['trail.organizationId', { trail: { bucketName: 'org-trail', organizationId: 'org-1' } }, 'trail.organizationId: must be an organization id'],
    ['logSource.namePattern', { logSource: { namePattern: 'CloudTrail' } }, 'logSource.namePattern: must contain the {accountId} placeholder'],
    ['logSource.timezone', { logSource: { timezone: 'Mars/Olympus' } }, 'logSource.timezone: must be an IANA time zone'],
    ['orderPolling.deadlineSeconds', { orderPolling: { deadlineSeconds: 5 } }, 'orderPolling.deadlineSeconds'],
    ['notifications.email', { notifications: { email: 'soc-at-example' } }, 'notifications.email: must be an e-mail address'],
    ['triggers.organizations', { triggers: { organizations: 'yes' } }, 'triggers.organizations'],
    ['keyRotation.enabled', { keyRotation: { enabled: 'no' } }, 'keyRotation.enabled: Invalid input: expected boolean'],
    ['keyRotation.scheduleDays (zero)', { keyRotation: { scheduleDays: 0 } }, 'keyRotation.scheduleDays: Too small'],
    ['keyRotation.scheduleDays (fraction)', { keyRotation: { scheduleDays: 1.5 } }, 'keyRotation.scheduleDays: Invalid input: expected int'],
    ['keyRotation (unknown key)', { keyRotation: { schedule: 30 } }, 'keyRotation: Unrecognized key: "schedule"'],
    ['offboarding.enabled', { offboarding: { enabled: 1 } }, 'offboarding.enabled: Invalid input: expected boolean'],
    ['offboarding.secretRecoveryWindowDays (too short)', { offboarding: { secretRecoveryWindowDays: 6 } }, 'offboarding.secretRecoveryWindowDays: Too small'],
    ['offboarding.secretRecoveryWindowDays (too long)', { offboarding: { secretRecoveryWindowDays: 31 } }, 'offboarding.secretRecoveryWindowDays: Too big'],
    ['an unknown key', { colour: 'blue' }, 'colour'],
  ])('rejects a bad %s', (_field, override, expected) => {
    // Act
    const error = configError({ ...example(), ...override });

    // Assess
    expect(error.message).toContain('Invalid config test.json');
    expect(error.message).toContain(expected);
  });

  it('rejects a missing required section by name', () => {
    // Prepare
    const { director: _director, ...withoutDirector } = example();

    // Act + Assess
    expect(configError(withoutDirector).message).toMatch(/- director: /);
  });

  it('rejects a CA bundle file that is missing or not PEM, naming director.caBundleFile', () => {
    // Prepare
    const notPem = path.join(workDir, 'ca.txt');
    writeFileSync(notPem, 'hello');
    const director = example().director as object;

    // Act
    const missing = configError({ ...example(), director: { ...director, caBundleFile: 'missing.pem' } }, path.join(workDir, 'config.json'));
    const wrong = configError({ ...example(), director: { ...director, caBundleFile: 'ca.txt' } }, path.join(workDir, 'config.json'));

    // Assess
    expect(missing.message).toContain('director.caBundleFile: cannot read');
    expect(wrong.message).toContain('director.caBundleFile');
    expect(wrong.message).toContain('is not a PEM certificate bundle');
  });

  it('reports a file that cannot be read or is not JSON', () => {
    // Prepare
    const broken = path.join(workDir, 'broken.json');
    writeFileSync(broken, '{ not json');

    // Act + Assess
    expect(() => loadAppConfig(path.join(workDir, 'absent.json'))).toThrow(/Cannot read config .*absent\.json/);
    expect(() => loadAppConfig(broken)).toThrow(ConfigError);
  });
});

describe('director.credentialSecretId', () => {
  const withSecret = (credentialSecretId: string) => ({ ...example(), director: { ...(example().director as object), credentialSecretId } });

  it.each([
    ['a secret name', 'logpoint/director/api'],
    ['a name with every character Secrets Manager allows', 'Logpoint_director+api=1.x@soc-team'],
    ['the full ARN with its 6-character suffix', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:logpoint-director-AbC123'],
    ['a full ARN in another partition', 'arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:logpoint/director-a1B2c3'],
  ])('accepts %s and hands it on unchanged', (_what, credentialSecretId) => {
    // Act
    const { config } = parseAppConfig(withSecret(credentialSecretId));

    // Assess
    expect(runtimeSettingsFromConfig(config).director.credentialSecretId).toBe(credentialSecretId);
  });

  it('refuses a partial ARN without the random suffix at parse time, asking for the full ARN or the name', () => {
    // Act
    const error = configError(withSecret('arn:aws:secretsmanager:eu-west-1:123456789012:secret:logpoint-director'));

    // Assess
    expect(error.message).toContain('Invalid config test.json');
    expect(error.message).toContain('director.credentialSecretId: is a partial secret ARN');
    expect(error.message).toContain('Give the full ARN');
    expect(error.message).toContain('or only the secret name');
  });

  it.each([
    ['an ARN of another service', 'arn:aws:s3:::logpoint-director-AbC123'],
    ['an ARN without region and account', 'arn:aws:secretsmanager:::secret:logpoint-director-AbC123'],
    ['an ARN with a short account id', 'arn:aws:secretsmanager:eu-west-1:1234:secret:logpoint-director-AbC123'],
    ['an ARN of something other than a secret', 'arn:aws:secretsmanager:eu-west-1:123456789012:logpoint-director-AbC123'],
    ['an ARN with no secret name', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:'],
    ['a truncated ARN', 'arn:aws:secretsmanager:eu-west-1'],
  ])('refuses %s with ConfigError naming the expected ARN form', (_what, credentialSecretId) => {
    // Act
    const error = configError(withSecret(credentialSecretId));

    // Assess
    expect(error.message).toContain('director.credentialSecretId: is not a Secrets Manager secret ARN');
    expect(error.message).toContain('arn:<partition>:secretsmanager:<region>:<12-digit account>:secret:<name>-<6 characters>');
  });

  it.each([
    ['empty', ''],
    ['with a space', 'logpoint director'],
    ['with a character Secrets Manager does not allow', 'logpoint/director#api'],
    ['longer than 512 characters', 'a'.repeat(513)],
  ])('refuses a secret name that is %s', (_what, credentialSecretId) => {
    // Act
    const error = configError(withSecret(credentialSecretId));

    // Assess
    expect(error.message).toContain('director.credentialSecretId: must be the secret name');
  });
});

describe('director.caBundleFile', () => {
  it('is read relative to the config file and handed on as an absolute path', () => {
    // Prepare
    const configPath = path.join(workDir, 'config.json');
    writeFileSync(path.join(workDir, 'private-ca.pem'), readFileSync(TLS_FIXTURE_CA));
    writeFileSync(configPath, JSON.stringify({ ...example(), director: { ...(example().director as object), caBundleFile: 'private-ca.pem' } }));

    // Act
    const loaded = loadAppConfig(configPath);

    // Assess
    expect(loaded.config.director.caBundleFile).toBe(path.join(workDir, 'private-ca.pem'));
    expect(loaded.caBundle).toContain('-----BEGIN CERTIFICATE-----');
  });
});
