import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { describeSubject } from '../contract/collection.js';
import type { ListObjectsV2CommandOutput, S3Client } from '@aws-sdk/client-s3';
import { OnboardingError } from './errors.js';
import { cloudTrailLogPrefix, isCloudTrailLogKey, trailLayoutOf, trailSettingChanges, type TrailLayoutKind, type TrailLocation } from './trail-layout.js';
import { ErrorCode } from '../contract/error-codes.js';

/**
 * Where an account's CloudTrail logs really are in a bucket, once CheckBucket found none where the
 * configuration says. It tells "the trail has not delivered yet" (worth the 15 minutes of retries)
 * from "the configuration names the wrong layout" (no wait can help, so the run fails at once with
 * TRAIL_LAYOUT_MISMATCH and the settings to change).
 *
 * Never a scan of the bucket: ListObjectsV2 with Delimiter '/' answers one level of folder names,
 * so finding the `AWSLogs/` folders takes a listing per folder level, and the account's folder is
 * then looked up by name. At most {@link MAX_CALLS} calls in all, whatever the bucket holds. The
 * product role's s3:ListBucket on the trail bucket covers every one; a refused or failed call only
 * means that place is not looked at, because an incomplete search must end as NO_CLOUDTRAIL_LOGS
 * (retried), never as a wrong diagnosis.
 */

/** S3 calls one detection may make. */
const MAX_CALLS = 16;
/** Of those, the folder listings spent looking for `AWSLogs/` folders. */
const MAX_WALK_LISTINGS = 6;
/** Folders in front of `AWSLogs/` the walk looks through: a prefix of four folders, as the reader policy allows. */
const MAX_PREFIX_DEPTH = 4;
/** Folder names read per listing: a bucket root with more folders than this is not walked to the end. */
const FOLDERS_PER_LISTING = 100;
/** Organization folders under one `AWSLogs/` looked into for the account. */
const MAX_ORGANIZATIONS = 3;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const AWS_LOGS_FOLDER = 'AWSLogs/';

export interface DetectedTrailLayout {
  location: TrailLocation;
  /** `[prefix/]AWSLogs/[o-id/]<account>/CloudTrail/` where a log file of the account was found. */
  logPrefix: string;
  /** The layout, named by what sets it apart from the expected one. */
  layout: TrailLayoutKind;
}

/** Counts and guards the calls of one detection; every failure reads as "nothing there". */
class BucketProbe {
  private calls = 0;

  constructor(
    private readonly s3: S3Client,
    private readonly bucketName: string,
    private readonly pageSize: number,
  ) {}

  /** Whether the first page under `prefix` holds a CloudTrail log file. */
  async hasLogFile(prefix: string): Promise<boolean> {
    const output = await this.list({ Prefix: prefix, MaxKeys: this.pageSize });
    return (output?.Contents ?? []).some((object) => object.Key !== undefined && isCloudTrailLogKey(object.Key));
  }

  /** The folders one level below `prefix` (whose names start with what follows its last `/`). */
  async folders(prefix: string): Promise<string[]> {
    const output = await this.list({ Prefix: prefix, Delimiter: '/', MaxKeys: FOLDERS_PER_LISTING });
    return (output?.CommonPrefixes ?? []).flatMap((folder) => (folder.Prefix === undefined ? [] : [folder.Prefix]));
  }

  private async list(input: { Prefix: string; Delimiter?: string; MaxKeys: number }): Promise<ListObjectsV2CommandOutput | null> {
    if (this.calls >= MAX_CALLS) return null;
    this.calls += 1;
    try {
      return await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucketName, ...input }));
    } catch {
      return null;
    }
  }
}

/**
 * Finds the account's logs under another layout than `expected`: account or organization folder,
 * any organization id, the organization id as prefix (Control Tower), any prefix of up to four
 * folders. Null when none is found within the budget (or the bucket cannot be listed).
 */
export async function detectTrailLayout(
  s3: S3Client,
  bucketName: string,
  expected: TrailLocation,
  options: { pageSize: number },
): Promise<DetectedTrailLayout | null> {
  const want: TrailLocation = {
    accountId: expected.accountId,
    organizationId: expected.organizationId || undefined,
    trailPrefix: expected.trailPrefix || undefined,
  };
  const probe = new BucketProbe(s3, bucketName, options.pageSize);
  const searched = new Set([cloudTrailLogPrefix(want)]);
  const probed = new Set<string | undefined>();
  // Each prefix is looked into as soon as the walk finds it, so a near answer costs few calls.
  // The configured prefix is looked into even when the walk did not reach it: its place is known
  // without walking, and a bucket policy may allow listing under it but not from the root.
  const prefixes = async function* (): AsyncGenerator<string | undefined> {
    yield* trailPrefixesIn(probe);
    yield want.trailPrefix;
  };
  for await (const trailPrefix of prefixes()) {
    if (probed.has(trailPrefix)) continue;
    probed.add(trailPrefix);
    const location = await accountUnder(probe, want, trailPrefix, searched);
    if (location !== null) return { location, logPrefix: cloudTrailLogPrefix(location), layout: trailLayoutOf(location, want) };
  }
  return null;
}

/**
 * The prefixes in front of an `AWSLogs/` folder (undefined: the bucket root), breadth first, so
 * the root's own `AWSLogs/` comes first. Folders named like an organization id are walked before
 * their siblings: that is where Control Tower writes.
 */
async function* trailPrefixesIn(probe: BucketProbe): AsyncGenerator<string | undefined> {
  const queue = [''];
  for (let listings = 0; listings < MAX_WALK_LISTINGS; listings += 1) {
    const folder = queue.shift();
    if (folder === undefined) return;
    const below: string[] = [];
    for (const child of await probe.folders(folder)) {
      if (child === `${folder}${AWS_LOGS_FOLDER}`) yield folder === '' ? undefined : folder.slice(0, -1);
      else if (child.split('/').length - 1 <= MAX_PREFIX_DEPTH) below.push(child);
    }
    const looksLikeOrganization = (child: string): boolean => ORGANIZATION_ID.test(child.slice(folder.length, -1));
    queue.push(...below.filter(looksLikeOrganization), ...below.filter((child) => !looksLikeOrganization(child)));
  }
}

/** The account's location under `[trailPrefix/]AWSLogs/`: in an organization folder or in its own, or null. */
async function accountUnder(probe: BucketProbe, want: TrailLocation, trailPrefix: string | undefined, searched: Set<string>): Promise<TrailLocation | null> {
  const base = `${trailPrefix === undefined ? '' : `${trailPrefix}/`}${AWS_LOGS_FOLDER}`;
  const candidate = async (organizationId: string | undefined): Promise<TrailLocation | null> => {
    const location: TrailLocation = { accountId: want.accountId, organizationId, trailPrefix };
    const prefix = cloudTrailLogPrefix(location);
    if (searched.has(prefix)) return null;
    searched.add(prefix);
    return (await probe.hasLogFile(prefix)) ? location : null;
  };
  // The known organization and the account folder are looked up by name, without listing.
  for (const organizationId of [...(want.organizationId === undefined ? [] : [want.organizationId]), undefined]) {
    const location = await candidate(organizationId);
    if (location !== null) return location;
  }
  // Organization folders sort after account folders (letters after digits): listing from `o-`
  // answers with them at once, however many account folders there are.
  const organizations = (await probe.folders(`${base}o-`))
    .map((folder) => folder.slice(base.length, -1))
    .filter((organizationId) => ORGANIZATION_ID.test(organizationId) && organizationId !== want.organizationId)
    .slice(0, MAX_ORGANIZATIONS);
  for (const organizationId of organizations) {
    const location = await candidate(organizationId);
    if (location !== null) return location;
  }
  return null;
}

/**
 * TRAIL_LAYOUT_MISMATCH: what was expected, what was found, and which settings to change. An
 * input can set the same fields for one run, so the message says they need the change too.
 */
export function trailLayoutMismatch(bucketName: string, expected: TrailLocation, found: DetectedTrailLayout): OnboardingError {
  const expectedPrefix = cloudTrailLogPrefix(expected);
  const changes = trailSettingChanges(expected, found.location);
  const edits = changes.map(({ setting, value }) => (value === null ? `remove trail.${setting}` : `set trail.${setting} to "${value}"`));
  return new OnboardingError(
    ErrorCode.TRAIL_LAYOUT_MISMATCH,
    `No CloudTrail log files (*.json.gz) in s3://${bucketName}/${expectedPrefix}, but ${describeSubject(expected.accountId)}'s logs are in ` +
      `s3://${bucketName}/${found.logPrefix}: ${describeLayout(found)}. In the stack config, ${edits.join(' and ')}; ` +
      `an onboarding input that sets ${changes.map(({ setting }) => setting).join(' or ')} itself needs the same change.`,
    {
      details: {
        bucketName,
        expectedPrefix,
        foundPrefix: found.logPrefix,
        foundLayout: found.layout,
        configChanges: Object.fromEntries(changes.map(({ setting, value }) => [`trail.${setting}`, value])),
      },
    },
  );
}

function describeLayout({ layout, location }: DetectedTrailLayout): string {
  const prefix = location.trailPrefix === undefined ? 'no prefix' : `the custom prefix "${location.trailPrefix}"`;
  switch (layout) {
    case 'control-tower':
      return `the bucket has the Control Tower layout (the organization id ${String(location.organizationId)} in front of AWSLogs/)`;
    case 'custom-prefix':
      return `the trail writes behind the custom prefix "${String(location.trailPrefix)}" (${location.organizationId === undefined ? 'account trail layout' : `organization trail layout, organization ${location.organizationId}`})`;
    case 'organization':
      return `the bucket has the organization trail layout (organization ${String(location.organizationId)}, ${prefix})`;
    case 'account':
      return `the bucket has the account trail layout (no organization folder, ${prefix})`;
  }
}
