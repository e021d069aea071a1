import type { LogSourceDefaults } from '../contract/settings.js';
import type { DirectorClient } from '../director/index.js';
import type { AccessKeyPair } from './account-secret.js';
import { buildLogSourceBody, resolveFilterDate, type S3FetcherLogSource } from './log-source-body.js';
import { connectorOf, type OwnedLogSource } from './owned-log-source.js';

export interface LogSourceWriteContext {
  director: DirectorClient;
  logSource: LogSourceDefaults;
  now: () => Date;
}

export interface LogSourceWriteFacts {
  accountId: string;
  name: string;
  bucketName: string;
  bucketRegion: string;
  key: AccessKeyPair;
  /** An explicit start date (an execution input); otherwise the source's own, else the configured policy. */
  filterDate?: string | undefined;
}

/**
 * The body of a create (`existing` null) or of an edit of `existing`, as registration and key
 * rotation both send it: the seed guide's shape with the configured defaults, the enrichment
 * policy resolved to its id, and the fetch start date an existing source already has kept.
 */
export async function buildLogSourceWrite(
  context: LogSourceWriteContext,
  facts: LogSourceWriteFacts,
  existing: OwnedLogSource | null,
): Promise<S3FetcherLogSource> {
  const { logSource } = context;
  const enrichmentPolicyId =
    logSource.enrichmentPolicy === undefined ? undefined : await context.director.resolveEnrichmentPolicyId(logSource.enrichmentPolicy);
  return buildLogSourceBody(
    logSource,
    {
      accountId: facts.accountId,
      bucketName: facts.bucketName,
      bucketRegion: facts.bucketRegion,
      accessKeyId: facts.key.accessKeyId,
      secretAccessKey: facts.key.secretAccessKey,
      filterDate: filterDateFor(context, facts.filterDate, existing),
    },
    {
      name: facts.name,
      ...(existing === null ? {} : { id: existing.id }),
      ...(enrichmentPolicyId === undefined ? {} : { enrichmentPolicyId }),
    },
  );
}

/** An edit keeps the date the source already fetches from; a create uses the input or the policy. */
function filterDateFor(context: LogSourceWriteContext, explicit: string | undefined, existing: OwnedLogSource | null): string {
  if (explicit) return new Date(explicit).toISOString();
  const recorded = existing === null ? undefined : connectorOf(existing).filter_date;
  if (typeof recorded === 'string' && !Number.isNaN(Date.parse(recorded))) return recorded;
  return resolveFilterDate(context.logSource.filterDate, context.now());
}
