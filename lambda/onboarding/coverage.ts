import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { RegistryState } from '../contract/account-registry.js';
import { CollectionMode } from '../contract/collection.js';
import { ErrorCode } from '../contract/error-codes.js';
import type { RuntimeSettings } from '../contract/runtime-settings.js';
import type { DirectorClient } from '../director/index.js';
import { recordAccount } from '../registry/account-registry.js';
import { OnboardingError } from '../shared/errors.js';
import { fetchSignalsOf } from '../shared/fetch-signals.js';
import { defaultLogSourceName } from '../shared/log-source-body.js';
import { findOwnedLogSource } from '../shared/owned-log-source.js';
import type { BucketFacts } from '../shared/workflow-schemas.js';
import type { CoverageResult, OnboardingRequest } from './workflow-contract.js';

export interface CoverageDependencies {
  director: DirectorClient;
  secretsManager: SecretsManagerClient;
  dynamo: DynamoDBClient;
  registryTable: string;
  settings: Pick<RuntimeSettings, 'trail' | 'logSource'>;
  now: Date;
}

/**
 * ConfirmCoverage, in organization mode: the account's logs are under the organization prefix
 * (CheckBucket found them, waiting for a new account's first delivery), so the organization's own
 * source collects them once it fetches. This confirms that source exists, is this product's and
 * reports no fetch error, records the account as COVERED, and says whether Logpoint has received
 * logs from it yet. Nothing of the account is created: no reader, key or log source.
 */
export async function confirmCoverage(deps: CoverageDependencies, request: OnboardingRequest, bucket: BucketFacts, runId: string): Promise<CoverageResult> {
  const organizationId = request.organizationId;
  if (organizationId === undefined) {
    throw new OnboardingError(
      ErrorCode.CONFIG_INVALID,
      `Account ${request.accountId} is to be covered by the organization source, but no organization is configured.`,
    );
  }
  const logSourceName = defaultLogSourceName(deps.settings, organizationId);
  const source = await findOwnedLogSource(deps, { accountId: organizationId, logSourceName });
  if (source === null) {
    throw new OnboardingError(
      ErrorCode.ORGANIZATION_SOURCE_MISSING,
      `Account ${request.accountId}'s logs are under s3://${bucket.bucketName}/${bucket.logPrefix}, but organization ${organizationId} has no log ` +
        `source "${logSourceName}" in Director to collect them. Deploy the stack (it onboards the organization source) or start an ` +
        `onboarding with accountId "${organizationId}", then run this account again.`,
      { details: { organizationId, logSourceName } },
    );
  }
  const signals = fetchSignalsOf(source);
  if (signals.fetchFailed) {
    throw new OnboardingError(
      ErrorCode.FETCH_FAILED,
      `The organization source ${source.id} that collects account ${request.accountId} reports that Logpoint's fetch at ` +
        `${signals.lastFetchAttempt ?? '?'} failed: ${signals.fetchStatus ?? 'no reason given'}`,
      { details: { logSourceId: source.id, fetchStatus: signals.fetchStatus, lastFetchAttempt: signals.lastFetchAttempt } },
    );
  }
  const receiving = signals.lastLogReceived !== null;
  const note = receiving
    ? `Logpoint fetches the organization source ${source.id} (last log received at ${signals.lastLogReceived}), which lists ${bucket.logPrefix}.`
    : `The organization source ${source.id} is registered but has not reported receiving logs yet; it will fetch ${bucket.logPrefix} with the rest.`;
  await recordAccount(
    deps.dynamo,
    deps.registryTable,
    {
      accountId: request.accountId,
      workflow: 'onboard',
      runId,
      fields: {
        mode: CollectionMode.Organization,
        state: RegistryState.COVERED,
        coverage: 'organization-source',
        logSourceId: source.id,
        logSourceName,
        logPrefix: bucket.logPrefix,
        lastLogReceived: signals.lastLogReceived,
        excludedBecause: null,
        drift: null,
        driftDetectedAt: null,
      },
    },
    deps.now,
  );
  return {
    accountId: request.accountId,
    coverage: 'organization-source',
    organizationId,
    logSourceName,
    logSourceId: source.id,
    logPrefix: bucket.logPrefix,
    dataPlane: {
      outcome: receiving ? 'ONBOARDED' : 'REGISTERED_NO_DATA_YET',
      lastLogReceived: signals.lastLogReceived,
      fetchStatus: signals.fetchStatus,
      lastFetchAttempt: signals.lastFetchAttempt,
      note,
    },
    warnings: receiving ? [] : [note],
  };
}
