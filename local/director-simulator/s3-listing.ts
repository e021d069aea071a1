import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { ListObjectsV2CommandInput, S3Client } from '@aws-sdk/client-s3';
import type { FetchStrategy } from './types.js';

/**
 * The ListObjectsV2 calls each fetch strategy makes. Nobody knows which one Logpoint's S3Fetcher
 * uses (director-api.md), and they differ exactly where a least-privilege reader is concerned:
 *
 * - `root-recursive`: ListObjectsV2 without Prefix and without Delimiter, every page. Needs
 *   `s3:ListBucket` with `s3:prefix` = "" (the whole bucket).
 * - `walk-from-awslogs`: a folder walk with Delimiter "/". It lists "" (no Prefix), then each
 *   CommonPrefix it got, depth first in the order S3 returns them (lexicographic), down to folders
 *   without sub-folders, e.g. "" → "AWSLogs/" → "AWSLogs/o-id/" → "AWSLogs/o-id/<acct>/" → … →
 *   ".../CloudTrail/<region>/<yyyy>/<mm>/<dd>/". The objects (`Contents`) of every folder visited
 *   are candidates. Starting at the root rather than at "AWSLogs/" is what finds a trail behind a
 *   custom prefix (or the Control Tower `<o-id>/` in front), which a fetcher with no prefix setting
 *   must do; every level needs its own `s3:prefix` grant, siblings included.
 * - `prefix-only`: ListObjectsV2 with Prefix = the source's scope prefix, no Delimiter, every page.
 *   Needs nothing above the scope.
 *
 * The first refused call ends the listing with a {@link FetchRefusal} naming it: a fetcher that
 * cannot see part of the tree cannot know what it is missing, so it reports rather than guesses.
 */

/** One object a listing found. */
export interface ListedObject {
  key: string;
  lastModified: Date;
}

/** An S3 call of a fetch that failed, named the way the read-back's fetch_status shows it. */
export class FetchRefusal extends Error {
  constructor(
    /** The S3 error code (`AccessDenied`, `InvalidAccessKeyId`, `NoSuchBucket` …) or the error's name. */
    readonly code: string,
    /** `listing` (ListObjectsV2) or `reading` (GetObject). */
    readonly operation: 'listing' | 'reading',
    /** `s3://<bucket>/<prefix or key>` */
    readonly location: string,
  ) {
    super(`${code} ${operation} ${location}`);
    this.name = 'FetchRefusal';
  }
}

/** The error code of whatever an S3 call threw: S3's own code for a service error (its `name`). */
export function errorCodeOf(error: unknown): string {
  return error instanceof Error && error.name !== '' ? error.name : 'UnknownError';
}

interface ListingTarget {
  client: S3Client;
  bucket: string;
}

interface ListedPage {
  objects: ListedObject[];
  folders: string[];
}

/** Every page of one listing (`Prefix` left out for the root, as a fetcher without a prefix sends it). */
async function listPages(target: ListingTarget, prefix: string, delimiter: string | undefined): Promise<ListedPage> {
  const listed: ListedPage = { objects: [], folders: [] };
  let continuationToken: string | undefined;
  do {
    const input: ListObjectsV2CommandInput = {
      Bucket: target.bucket,
      ...(prefix === '' ? {} : { Prefix: prefix }),
      ...(delimiter === undefined ? {} : { Delimiter: delimiter }),
      ...(continuationToken === undefined ? {} : { ContinuationToken: continuationToken }),
    };
    let page;
    try {
      page = await target.client.send(new ListObjectsV2Command(input));
    } catch (error) {
      throw new FetchRefusal(errorCodeOf(error), 'listing', `s3://${target.bucket}/${prefix}`);
    }
    for (const entry of page.Contents ?? []) {
      // A key ending in "/" is a console-made folder marker, not a log file.
      if (entry.Key !== undefined && !entry.Key.endsWith('/') && entry.LastModified !== undefined) {
        listed.objects.push({ key: entry.Key, lastModified: entry.LastModified });
      }
    }
    for (const common of page.CommonPrefixes ?? []) if (common.Prefix !== undefined) listed.folders.push(common.Prefix);
    continuationToken = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (continuationToken !== undefined);
  return listed;
}

async function walkFolders(target: ListingTarget, folder: string, into: ListedObject[]): Promise<void> {
  const { objects, folders } = await listPages(target, folder, '/');
  into.push(...objects);
  for (const child of folders) await walkFolders(target, child, into);
}

/**
 * The objects `strategy` finds in `bucket`. `scopePrefix` is used by `prefix-only` only; it must
 * be given for it (the fetcher turns a missing one into a configuration error before calling).
 */
export async function listCandidates(client: S3Client, bucket: string, strategy: FetchStrategy, scopePrefix: string): Promise<ListedObject[]> {
  const target = { client, bucket };
  switch (strategy) {
    case 'root-recursive':
      return (await listPages(target, '', undefined)).objects;
    case 'prefix-only':
      return (await listPages(target, scopePrefix, undefined)).objects;
    case 'walk-from-awslogs': {
      const found: ListedObject[] = [];
      await walkFolders(target, '', found);
      return found;
    }
  }
}
