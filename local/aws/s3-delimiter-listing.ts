import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { CommonPrefix, ListObjectsV2CommandInput, ListObjectsV2CommandOutput, S3Client, _Object } from '@aws-sdk/client-s3';

/**
 * s3rver 3.7 answers a ListObjectsV2 with a Delimiter wrongly once keys sit more than one folder
 * below the Prefix: its directory walk stops at the first nested folder, so it never sees those
 * keys and reports neither them nor their CommonPrefix (on a CloudTrail bucket, `""` with `/`
 * answers nothing at all, where S3 answers `AWSLogs/`). A fetcher that walks the bucket folder by
 * folder could not be played at all.
 *
 * The fix keeps everything that decides *whether* a listing is allowed: the request is sent as is,
 * so the emulation authorises it with its own `s3:prefix` and `s3:delimiter` and a refusal stays a
 * refusal. Only a successful answer is replaced, by what S3 would return, folded from a full
 * listing of the prefix made with s3rver's own account. The folded answer comes in one page.
 */

type ListAll = (bucket: string, prefix: string) => Promise<_Object[]>;
type S3DeserializeMiddleware = Parameters<S3Client['middlewareStack']['add']>[0];

/** Every object under `prefix`, all pages, as the owner of the bucket sees them. */
export function listingWithOwnerAccess(ownerClient: S3Client): ListAll {
  return async (bucket, prefix) => {
    const objects: _Object[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await ownerClient.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }));
      objects.push(...(page.Contents ?? []));
      ContinuationToken = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (ContinuationToken !== undefined);
    return objects;
  };
}

/** S3's delimiter semantics: keys with the delimiter after the prefix collapse into one CommonPrefix each. */
function fold(objects: readonly _Object[], prefix: string, delimiter: string): { contents: _Object[]; commonPrefixes: CommonPrefix[] } {
  const contents: _Object[] = [];
  const folders = new Set<string>();
  for (const object of objects) {
    const key = object.Key ?? '';
    const cut = key.indexOf(delimiter, prefix.length);
    if (cut === -1) contents.push(object);
    else folders.add(key.slice(0, cut + delimiter.length));
  }
  return { contents, commonPrefixes: [...folders].sort().map((Prefix) => ({ Prefix })) };
}

function delimiterListingMiddleware(listAll: ListAll): S3DeserializeMiddleware {
  return (next, context) => async (args) => {
    const result = await next(args);
    const input = args.input as ListObjectsV2CommandInput;
    if (context.commandName !== 'ListObjectsV2Command' || !input.Delimiter || !input.Bucket) return result;
    const prefix = input.Prefix ?? '';
    const { contents, commonPrefixes } = fold(await listAll(input.Bucket, prefix), prefix, input.Delimiter);
    const output: ListObjectsV2CommandOutput = {
      ...(result.output as ListObjectsV2CommandOutput),
      Contents: contents,
      CommonPrefixes: commonPrefixes,
      KeyCount: contents.length + commonPrefixes.length,
      IsTruncated: false,
      NextContinuationToken: undefined,
    };
    return { ...result, output };
  };
}

/**
 * Adds the fix to a client of the S3 stand-in: first in the deserialize step, so it wraps the SDK's
 * deserializer and sees the parsed answer, while the emulation stays innermost.
 */
export function installDelimiterListingFix(client: S3Client, listAll: ListAll): void {
  client.middlewareStack.add(delimiterListingMiddleware(listAll), {
    step: 'deserialize',
    priority: 'high',
    name: 'awsSandboxDelimiterListing',
    override: true,
  });
}
