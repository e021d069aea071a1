import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { isOrganizationSubject } from '../../lambda/contract/collection.js';
import { cloudTrailLogPrefix, type TrailLayout } from '../aws/cloudtrail-fixtures.js';
import type { AwsSandbox } from '../aws/index.js';
import type { DirectorSimulatorOptions, JsonObject } from '../director-simulator/index.js';
import type { SandboxOptions } from './environment.js';

const SANDBOX_FETCH_INTERVAL_MS = 25;

/**
 * The fetcher Director runs here: it signs with each source's own key against the S3 stand-in,
 * which enforces the reader's IAM policy. Its clients are not the handlers' recording clients, so
 * its calls stay out of `awsCalls()`. The account comes from the ownership marker the product puts
 * on its sources (lambda/shared/log-source-body.ts); its prefix from the sandbox's trail layout, or,
 * for a bucket a test made itself, from where that account's files lie in it.
 */
export function sandboxFetcher(
  requested: SandboxOptions['fetcher'],
  aws: AwsSandbox,
  bucketName: string,
  layout: TrailLayout,
): Pick<DirectorSimulatorOptions, 'fetcher'> {
  if (requested === false) return {};
  const found = new Map<string, string>();
  // One client per key and region, as a fetcher keeps its connection: a new SDK client every 25 ms round reads the shared config files again.
  const clients = new Map<string, ReturnType<AwsSandbox['s3ForCredentials']>>();
  const scopePrefixOf = async (source: JsonObject): Promise<string | undefined> => {
    const connector = (source.config as { Connector?: { bucket_name?: unknown; region_name?: unknown } } | undefined)?.Connector;
    const accountId = accountIdOf(source);
    const bucket = connector?.bucket_name;
    if (accountId === undefined || typeof bucket !== 'string') return undefined;
    // The organization's own source reads the whole organization trail.
    if (isOrganizationSubject(accountId)) return `${layout.prefix ? `${layout.prefix}/` : ''}AWSLogs/${accountId}/`;
    if (bucket === bucketName) return cloudTrailLogPrefix(layout, accountId);
    const region = typeof connector?.region_name === 'string' ? connector.region_name : undefined;
    const prefix = found.get(`${bucket}/${accountId}`) ?? (await accountLogPrefixIn(aws, bucket, region, accountId));
    if (prefix !== undefined) found.set(`${bucket}/${accountId}`, prefix);
    // Nothing of the account there yet: where an account trail would put it.
    return prefix ?? cloudTrailLogPrefix({}, accountId);
  };
  return {
    fetcher: {
      strategy: requested?.strategy ?? 'prefix-only',
      intervalMs: requested?.intervalMs ?? SANDBOX_FETCH_INTERVAL_MS,
      s3ClientFor: (credentials, region) => {
        const key = JSON.stringify([credentials.accessKeyId, credentials.secretAccessKey, region]);
        const client = clients.get(key) ?? aws.s3ForCredentials(credentials, { region });
        clients.set(key, client);
        return client;
      },
      scopePrefixOf,
    },
  };
}

/** `[prefix/]AWSLogs/[o-id/]<account>/CloudTrail/` as the bucket's keys show it, or undefined when none is the account's. */
async function accountLogPrefixIn(aws: AwsSandbox, bucket: string, region: string | undefined, accountId: string): Promise<string | undefined> {
  const root = new RegExp(`^(.*?AWSLogs/(?:o-[a-z0-9]+/)?${accountId}/)`);
  try {
    const listed = await aws.s3ForProduct(region === undefined ? {} : { region }).send(new ListObjectsV2Command({ Bucket: bucket }));
    const accountRoot = (listed.Contents ?? []).map((entry) => root.exec(entry.Key ?? '')?.[1]).find((match) => match !== undefined);
    return accountRoot === undefined ? undefined : `${accountRoot}CloudTrail/`;
  } catch {
    // A missing or shut bucket: the fetch itself will meet and report the same problem.
    return undefined;
  }
}

/**
 * `dc_metadata.awsAccountId`, or the `account=<id>` of the description's ownership tag (which
 * survives a Director that drops dc_metadata keys): an account id, or the organization id of the
 * organization's own source.
 */
function accountIdOf(source: JsonObject): string | undefined {
  const fromMetadata = (source.dc_metadata as { awsAccountId?: unknown } | undefined)?.awsAccountId;
  if (typeof fromMetadata === 'string' && SUBJECT_ID.test(fromMetadata)) return fromMetadata;
  const description = typeof source.description === 'string' ? source.description : '';
  return /\baccount=(\d{12}|o-[a-z0-9]{10,32})\]/.exec(description)?.[1];
}
const SUBJECT_ID = /^(\d{12}|o-[a-z0-9]{10,32})$/;
