import { afterEach, describe, expect, it, vi } from 'vitest';
import { FETCH_STATUS_OK, type JsonObject } from '../../../local/director-simulator/index.js';
import { SANDBOX_ACCOUNT_ID, SANDBOX_ORGANIZATION_ID, startSandbox, type Sandbox, type SandboxOptions } from '../../../local/sandbox/environment.js';

/**
 * The sandbox's Director fetches by itself: once an onboarding has registered the account's
 * source, Logpoint's (simulated) fetcher reads the account's logs with the reader key the
 * workflow made, and nothing of it shows up where the tests count the product's own calls.
 */

let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

// The sandbox's filter_date is "now" by default, after the trail's files were written; a day back they count.
const FROM_YESTERDAY = { logSource: { filterDate: { policy: 'days-ago', days: 1 } } };

async function onboarded(options: SandboxOptions): Promise<{ box: Sandbox; source: () => JsonObject | undefined }> {
  const box = await startSandbox({ waitMs: 20, ...options, config: { ...FROM_YESTERDAY, ...options.config } });
  sandbox = box;
  const result = await box.run({ accountId: SANDBOX_ACCOUNT_ID });
  expect(result.status).toBe('SUCCEEDED');
  return { box, source: () => box.director.logSources()[0] };
}

/** One source per account on an organization trail: what these tests look at the fetcher through. */
const PER_ACCOUNT = { collection: { mode: 'per-account', perAccountOnOrganizationTrail: true } };

const connectorOf = (source: JsonObject | undefined): JsonObject => (source?.config as { Connector: JsonObject }).Connector;

describe('the sandbox Director fetcher', () => {
  it('reads the account prefix with the reader key by itself, and stays out of the Director request log and the handlers AWS calls', async () => {
    // Arrange
    const { box, source } = await onboarded({});
    const requests = box.director.requests.length;
    const calls = box.awsCalls().length;

    // Act: automatic rounds, then one more on demand
    await vi.waitFor(() => expect(source()?.last_log_received).not.toBeNull(), { timeout: 5000, interval: 20 });
    const [round] = (await box.director.fetcher?.runOnce()) ?? [];

    // Assess
    expect(connectorOf(source())).toMatchObject({ fetch_status: FETCH_STATUS_OK, last_fetch_attempt: expect.any(String) });
    expect(round).toMatchObject({ fetchStatus: FETCH_STATUS_OK, objectsRead: [] });
    expect(box.director.requests).toHaveLength(requests);
    expect(box.awsCalls()).toHaveLength(calls);
    expect(box.director.fetcher?.strategy).toBe('prefix-only');
  });

  it('scopes prefix-only to the account inside an organization trail behind a custom prefix', async () => {
    // Arrange
    const trail = {
      layout: 'organization' as const,
      organizationId: SANDBOX_ORGANIZATION_ID,
      prefix: 'org-logs',
      accountIds: [SANDBOX_ACCOUNT_ID, '444455556666'],
    };
    const { box } = await onboarded({ trail, config: PER_ACCOUNT, fetcher: { intervalMs: 60_000 } });

    // Act
    const [round] = (await box.director.fetcher?.runOnce()) ?? [];

    // Assess
    expect(round?.fetchStatus).toBe(FETCH_STATUS_OK);
    expect(round?.objectsRead.length).toBeGreaterThan(0);
    expect(round?.objectsRead.every((key) => key.startsWith(`org-logs/AWSLogs/${SANDBOX_ORGANIZATION_ID}/${SANDBOX_ACCOUNT_ID}/CloudTrail/`))).toBe(true);
  });

  it("walks an account trail's bucket from the root with the reader key: the account's folder, digests included, is the reader's", async () => {
    // Arrange
    const { box } = await onboarded({ fetcher: { strategy: 'walk-from-awslogs', intervalMs: 60_000 } });

    // Act
    const [round] = (await box.director.fetcher?.runOnce()) ?? [];

    // Assess
    expect(round?.fetchStatus).toBe(FETCH_STATUS_OK);
    expect(round?.objectsRead.some((key) => key.includes('/CloudTrail-Digest/'))).toBe(true);
  });

  it("shows a refused walk (into another member account's folder) as the source fetch error, and runs without a fetcher when told to", async () => {
    // Arrange: a member account whose id sorts first, so the walk of the organization folder reaches it first.
    const trail = { layout: 'organization' as const, organizationId: SANDBOX_ORGANIZATION_ID, accountIds: ['000011112222', SANDBOX_ACCOUNT_ID] };
    const { box, source } = await onboarded({ trail, config: PER_ACCOUNT, fetcher: { strategy: 'walk-from-awslogs', intervalMs: 60_000 } });
    const plain = await startSandbox({ waitMs: 20, fetcher: false });

    try {
      // Act
      const [round] = (await box.director.fetcher?.runOnce()) ?? [];

      // Assess
      expect(round?.fetchStatus).toBe(`error: AccessDenied listing s3://sandbox-org-cloudtrail/AWSLogs/${SANDBOX_ORGANIZATION_ID}/000011112222/`);
      expect(connectorOf(source()).fetch_status).toBe(round?.fetchStatus);
      expect(plain.director.fetcher).toBeUndefined();
    } finally {
      await plain.stop();
    }
  });
});
