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
    expect(config.triggers).toEqual({ organizations: true, controlTower: true });
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
