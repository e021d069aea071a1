import { UntagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { accountSecretName, TagKey } from '../../lambda/contract/names.js';
import { SANDBOX_ACCOUNT_ID } from '../../local/sandbox/constants.js';
import { startSandbox, type Sandbox } from '../../local/sandbox/environment.js';
import { currentReaderKey } from './support.js';

/**
 * A first create goes out without listing Director's sources first (a list of every source is the
 * costliest call at scale). What the list used to catch is caught by the create's own failure:
 * Director keeps names unique, so a taken name fails the order, and CheckOrder then looks once.
 */

const input = { accountId: SANDBOX_ACCOUNT_ID, trigger: 'workflow-test' };
let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

/**
 * The Director requests since `from`, as `METHOD resource`: token refreshes, order polls and the
 * data-plane watch's reads of the registered source (`GET LogSources/<id>`, after the write) left out.
 */
function configCalls(box: Sandbox, from = 0): string[] {
  return box.director.requests
    .slice(from)
    .filter((request) => request.path.includes('/configapi/') && !(request.method === 'GET' && /\/LogSources\/.+/.test(request.path)))
    .map((request) => `${request.method} ${request.path.replace(/^.*\/configapi\/(v1\/)?\w+\/\w+/, '')}`);
}

describe('onboarding workflow: the first create is sent without a list before it', () => {
  it('creates with one POST and learns the id with one refreshed list after it, and no list before', async () => {
    // Prepare
    sandbox = await startSandbox({ waitMs: 20 });

    // Act
    const result = await sandbox.run(input);

    // Assess
    expect(result.error).toBeNull();
    expect(result.status).toBe('SUCCEEDED');
    expect(configCalls(sandbox)).toEqual(['POST /LogSources', 'POST /LogSources/refreshlist', 'GET /LogSources']);
  });

  it('edits our own source with the new key when the account secret lost its record of it (the create fails on the taken name)', async () => {
    // Prepare: an onboarded account whose secret no longer records the source or the keys Director holds.
    sandbox = await startSandbox({ waitMs: 20 });
    expect((await sandbox.run(input)).status).toBe('SUCCEEDED');
    await sandbox.aws.secretsManager.send(
      new UntagResourceCommand({
        SecretId: accountSecretName(SANDBOX_ACCOUNT_ID),
        TagKeys: [TagKey.logSourceId, TagKey.directorKey, TagKey.directorWrite],
      }),
    );
    const [source] = sandbox.director.logSources() as { id: string }[];
    const before = sandbox.director.requests.length;

    // Act
    const rerun = await sandbox.run(input);

    // Assess: the failed create, then a look, then the edit of that very source with this run's key.
    expect(rerun.status).toBe('SUCCEEDED');
    expect(configCalls(sandbox, before)).toEqual([
      'POST /LogSources',
      'POST /LogSources/refreshlist',
      'GET /LogSources',
      'POST /LogSources/refreshlist',
      'GET /LogSources',
      // The default profile's ids read `LogSources/<uuid>`; the URL carries that path once.
      `PUT /LogSources/${(source?.id ?? 'missing').replace(/^LogSources\//, '')}`,
    ]);
    expect(sandbox.director.logSources()).toHaveLength(1);
    const connector = (sandbox.director.logSources()[0] as { config: { Connector: { access_key: string } } }).config.Connector;
    expect(connector.access_key).toBe(currentReaderKey(sandbox, SANDBOX_ACCOUNT_ID).accessKeyId);
  });
});
