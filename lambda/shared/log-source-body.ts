import { OWNER_MARKER } from '../contract/names.js';
import { isOrganizationSubject } from '../contract/collection.js';
import type { LogSourceBody } from '../director/types.js';
import type { RuntimeSettings } from '../contract/runtime-settings.js';
import type { LogSourceDefaults } from '../contract/settings.js';

/** The write shape of an `S3Fetcher` log source, as the seed guide's create and edit examples send it. */
export type S3FetcherLogSource = LogSourceBody & { config: LogSourceBody['config'] & { Connector: Required<LogSourceBody['config']['Connector']> } };

export interface LogSourceAccountFacts {
  accountId: string;
  bucketName: string;
  bucketRegion: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** ISO-8601 instant from which Director fetches. */
  filterDate: string;
}

export interface BuildLogSourceOptions {
  /** The log source name; see {@link logSourceNameFor}. */
  name: string;
  /** Set for an edit: the Director id exactly as Director gave it (`LogSources/<uuid>`, or a bare 24-hex id). */
  id?: string;
  /** Resolved 24-hex enrichment policy id, when the config names one. */
  enrichmentPolicyId?: string;
  /** Mark the source as created by this product for this account (off only to reproduce foreign bodies). */
  markOwnership?: boolean;
}

/** Expands the configured name pattern for one account. */
export function logSourceNameFor(pattern: string, facts: Pick<LogSourceAccountFacts, 'accountId' | 'bucketName' | 'bucketRegion'>): string {
  return expandPlaceholders(pattern, facts);
}

/** The name an account's log source gets from the stack's pattern and trail: what onboarding, rotation and offboarding all expect. */
export function defaultLogSourceName(settings: Pick<RuntimeSettings, 'trail' | 'logSource'>, accountId: string): string {
  return logSourceNameFor(settings.logSource.namePattern, {
    accountId,
    bucketName: settings.trail.bucketName,
    bucketRegion: settings.trail.bucketRegion ?? '',
  });
}

/** Builds the `data` object of a LogSources create (no `id`) or edit (with `id`) request. */
export function buildLogSourceBody(defaults: LogSourceDefaults, facts: LogSourceAccountFacts, options: BuildLogSourceOptions): S3FetcherLogSource {
  const markOwnership = options.markOwnership ?? true;
  const template = isOrganizationSubject(facts.accountId) ? defaults.organizationDescription : defaults.description;
  const description = expandPlaceholders(template, facts);
  const body: S3FetcherLogSource = {
    name: options.name,
    type: 'S3Fetcher',
    vendor_name: defaults.vendorName,
    logo: defaults.logo,
    description: markOwnership ? `${description} ${ownershipTag(facts.accountId)}` : description,
    config: {
      Source: {
        name: options.name,
        interval: defaults.intervalMinutes,
        charset: defaults.charset,
        timezone: defaults.timezone,
      },
      Connector: {
        endpoint_url: defaults.endpointUrl,
        access_key: facts.accessKeyId,
        secret_key: facts.secretAccessKey,
        bucket_name: facts.bucketName,
        region_name: facts.bucketRegion,
        filter_date: facts.filterDate,
        parser: defaults.parser,
        enable_proxy: defaults.proxy ? { status: true, IP: defaults.proxy.ip, port: defaults.proxy.port, protocol: defaults.proxy.protocol } : false,
        protocol: defaults.protocol,
      },
      RoutingPolicy: buildRoutingPolicy(defaults.routing),
      NormalizationPolicy: {
        normalizers: defaults.normalizers.map(({ name, type }) => ({ name, type })),
      },
      ...(options.enrichmentPolicyId === undefined ? {} : { EnrichmentPolicy: options.enrichmentPolicyId }),
    },
    documentation_link: defaults.documentationLink,
  };
  if (defaults.templateVid !== undefined) body.template_vid = defaults.templateVid;
  const dcMetadata: Record<string, string> = { ...(defaults.dcMetadata ?? {}) };
  if (markOwnership) {
    dcMetadata.managedBy = OWNER_MARKER;
    dcMetadata.awsAccountId = facts.accountId;
  }
  if (Object.keys(dcMetadata).length > 0) body.dc_metadata = dcMetadata;
  // Sent back exactly as Director gave it: a Director with bare ids refuses a rebuilt `LogSources/<id>`.
  if (options.id !== undefined) body.id = options.id;
  return body;
}

function buildRoutingPolicy(routing: LogSourceDefaults['routing']): S3FetcherLogSource['config']['RoutingPolicy'] {
  const policy: S3FetcherLogSource['config']['RoutingPolicy'] = {
    routing_criterion: routing.criteria.map(({ key, value, operation, repository }) => ({ key, value, operation, repository })),
    catch_all: routing.catchAll,
  };
  if (routing.newRepo) {
    policy.repo_name = routing.newRepo.name;
    policy.path = routing.newRepo.path;
    policy.retention = String(routing.newRepo.retentionDays);
    if (routing.newRepo.remoteLogpoint !== undefined) policy.remote_logpoint = routing.newRepo.remoteLogpoint;
  }
  return policy;
}

/** The marker appended to the description; it survives a Director that drops unknown dc_metadata keys. */
function ownershipTag(accountId: string): string {
  return `[managed-by=${OWNER_MARKER} account=${accountId}]`;
}

/**
 * Whether a log source read back from Director was created by this product for this account.
 * Either marker is enough: Director may keep `dc_metadata` as sent or drop keys it does not know.
 */
export function isOwnedLogSource(record: { description?: unknown; dc_metadata?: unknown }, accountId: string): boolean {
  return ownedSubjectsOf(record).includes(accountId);
}

const DESCRIPTION_MARKER = new RegExp(`\\[managed-by=${OWNER_MARKER.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} account=([^\\]\\s]+)\\]`, 'g');

/** The subjects (account or organization ids) a source's ownership markers name; none for a source this product did not create. */
export function ownedSubjectsOf(record: { description?: unknown; dc_metadata?: unknown }): string[] {
  const subjects = new Set<string>();
  const metadata = record.dc_metadata;
  if (typeof metadata === 'object' && metadata !== null) {
    const { managedBy, awsAccountId } = metadata as Record<string, unknown>;
    if (managedBy === OWNER_MARKER && typeof awsAccountId === 'string') subjects.add(awsAccountId);
  }
  if (typeof record.description === 'string') for (const match of record.description.matchAll(DESCRIPTION_MARKER)) subjects.add(match[1] as string);
  return [...subjects];
}

/** A copy that is safe to log or return: the secret key is replaced. */
export function redactLogSourceBody(body: S3FetcherLogSource): S3FetcherLogSource {
  return { ...body, config: { ...body.config, Connector: { ...body.config.Connector, secret_key: '[REDACTED]' } } };
}

function expandPlaceholders(template: string, facts: Pick<LogSourceAccountFacts, 'accountId' | 'bucketName' | 'bucketRegion'>): string {
  return template
    .replaceAll('{accountId}', facts.accountId)
    .replaceAll('{organizationId}', facts.accountId)
    .replaceAll('{bucket}', facts.bucketName)
    .replaceAll('{region}', facts.bucketRegion);
}

/** Resolves the configured filter-date policy to the instant sent as `filter_date`. */
export function resolveFilterDate(policy: LogSourceDefaults['filterDate'], now: Date): string {
  switch (policy.policy) {
    case 'now':
      return now.toISOString();
    case 'fixed':
      return new Date(policy.date).toISOString();
    case 'days-ago':
      return new Date(now.getTime() - policy.days * 86_400_000).toISOString();
  }
}
