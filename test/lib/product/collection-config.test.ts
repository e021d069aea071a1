import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG_PATH, overlayConfig, parseAppConfig, runtimeSettingsFromConfig } from '../../../lib/product/app-config.js';
import { collectionNotices, deploySubjectOf, PER_ACCOUNT_ON_ORGANIZATION_TRAIL } from '../../../lib/product/collection-config.js';

const ORG = 'o-a1b2c3d4e5';
const example = () => JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, 'utf8')) as Record<string, unknown>;
const withOverrides = (overrides: Record<string, unknown>) => overlayConfig(example(), overrides);
const parsed = (overrides: Record<string, unknown>) => parseAppConfig(withOverrides(overrides), 'test.json').config;

function problemOf(overrides: Record<string, unknown>): string {
  try {
    parseAppConfig(withOverrides(overrides), 'test.json');
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('collection config', () => {
  it('defaults to per-account for an account trail, and to organization for an organization trail', () => {
    expect(runtimeSettingsFromConfig(parsed({})).collection).toEqual({ mode: 'per-account' });
    expect(runtimeSettingsFromConfig(parsed({ trail: { organizationId: ORG } })).collection).toEqual({ mode: 'organization' });
  });

  it('onboards the organization source on deploy in organization mode, and onboardAccountId in per-account mode', () => {
    expect(deploySubjectOf(parsed({ trail: { organizationId: ORG } }))).toBe(ORG);
    expect(deploySubjectOf(parsed({}))).toBe('111122223333');
  });

  it('refuses per-account on an organization trail without the explicit flag, saying why', () => {
    const message = problemOf({ trail: { organizationId: ORG }, collection: { mode: 'per-account' } });

    expect(message).toContain('collection.perAccountOnOrganizationTrail: must be true');
    expect(message).toContain('FETCH_FAILED');
  });

  it('accepts per-account on an organization trail with the flag, and prints why it costs what it does', () => {
    const config = parsed({ trail: { organizationId: ORG }, collection: { mode: 'per-account', perAccountOnOrganizationTrail: true } });

    expect(runtimeSettingsFromConfig(config).collection).toEqual({ mode: 'per-account' });
    expect(collectionNotices(config)).toEqual([PER_ACCOUNT_ON_ORGANIZATION_TRAIL]);
    expect(collectionNotices(parsed({ trail: { organizationId: ORG } }))).toEqual([]);
  });

  it('refuses organization mode without an organization trail, and the flag where it means nothing', () => {
    expect(problemOf({ collection: { mode: 'organization' } })).toContain('collection.mode: organization needs trail.organizationId');
    expect(problemOf({ collection: { perAccountOnOrganizationTrail: true } })).toContain('collection.perAccountOnOrganizationTrail: applies only with');
  });
});
