import { globSync } from 'tinyglobby';
import { afterEach, describe, expect, it } from 'vitest';
import { EnvName } from '../../../../lambda/contract/env-names.js';
import { awsDependencies, AWS_CLIENT_NAMES } from '../../../../lambda/shared/runtime/dependencies.js';
import { iam } from '../../../../lambda/shared/runtime/aws-clients/iam.js';
import { runtimeSettingsFromConfig } from '../../../../lib/product/app-config.js';
import { exampleConfig } from '../../../lib/stack-fixture.js';

/**
 * Each Lambda is built with the AWS clients its handler lists and no others, so its bundle loads
 * only those SDK packages. Every handler lists its clients, a Director client comes with the
 * Secrets Manager and DynamoDB clients it is built from, and a function that reaches for a client
 * its handler does not list fails with a clear INTERNAL error instead of loading it.
 */

const LAMBDA = new URL('../../../../lambda/', import.meta.url).pathname;
const handlers = globSync(['**/*.handler.ts'], { cwd: LAMBDA }).sort();
const previousSettings = process.env[EnvName.SETTINGS];
afterEach(() => {
  if (previousSettings === undefined) delete process.env[EnvName.SETTINGS];
  else process.env[EnvName.SETTINGS] = previousSettings;
});

describe('the AWS clients of each function', () => {
  it.each(handlers)('%s lists its clients by their names, the Director client with the clients it is built from', async (file) => {
    const module = (await import(`${LAMBDA}${file}`)) as { awsClients?: Record<string, unknown> };

    expect(module.awsClients).toBeDefined();
    const listed = Object.keys(module.awsClients ?? {});
    expect(listed.filter((name) => !(AWS_CLIENT_NAMES as readonly string[]).includes(name))).toEqual([]);
    const directorNeeds = listed.includes('director') ? ['secretsManager', 'dynamo'] : [];
    expect(directorNeeds.filter((name) => !listed.includes(name))).toEqual([]);
  });

  it('builds a listed client once, and refuses an unlisted one with INTERNAL naming the client and the fix', () => {
    process.env[EnvName.SETTINGS] = JSON.stringify(runtimeSettingsFromConfig(exampleConfig()));
    const dependencies = awsDependencies({ iam })();

    expect(dependencies.iam).toBe(dependencies.iam);
    expect(() => dependencies.s3).toThrow(/uses the s3 client, which its handler does not list in awsClients/);
    expect(() => dependencies.director()).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });
});
