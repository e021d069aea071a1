import * as z from 'zod';

/**
 * The product's runtime settings: where Director is and how a CloudTrail log source should look.
 * The same schema checks the operator's config file at synth time (bin/app.ts) and the JSON the
 * Lambdas receive in their environment, so a setting cannot mean one thing at deploy time and
 * another at run time.
 */

const HEX32 = /^[0-9a-fA-F]{32}$/;
const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;

export const awsRegionSchema = z.string().regex(AWS_REGION, 'must be an AWS region code such as eu-west-1');
export const accountIdSchema = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
export const organizationIdSchema = z.string().regex(/^o-[a-z0-9]{10,32}$/, 'must be an organization id such as o-a1b2c3d4e5');
export const bucketNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)');
/** Optional key prefix in front of `AWSLogs/`: no leading or trailing slash. */
export const trailPrefixSchema = z
  .string()
  .regex(/^[^/](.*[^/])?$/, 'must not start or end with "/"')
  .max(200);

/** A log source name as an operator may give it: one line of printable text, not blank. */
export const logSourceNameSchema = z
  .string()
  .max(200)
  .refine((value) => value.trim().length > 0, 'must not be empty or blank')
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), 'must not contain control characters (line breaks, tabs …)');

export const directorSettingsSchema = z.strictObject({
  /** https://<api-server-host-name>; http is accepted only for 127.0.0.1/localhost (the local simulator). */
  baseUrl: z
    .url()
    .refine(isAllowedDirectorUrl, 'must be an https URL (http only for localhost)')
    .refine(isBareOrigin, 'must be the bare https://<host>[:port] of the API server: no user name, password, query or fragment'),
  poolUuid: z.string().regex(HEX32, 'must be the 32-character hex pool UUID'),
  logpointId: z.string().regex(HEX32, 'must be the 32-character hex logpoint identifier'),
  /** Name or ARN of the Secrets Manager secret holding `{"secretKey": "...", "token"?: "..."}`. */
  credentialSecretId: z.string().min(1),
  /** PEM bundle for a Director behind a private CA. */
  caBundle: z.string().includes('-----BEGIN CERTIFICATE-----', { message: 'must be a PEM certificate bundle' }).optional(),
  requestTimeoutMs: z.int().min(1000).max(60_000).default(10_000),
  /**
   * Requests per second to Director from every function of the product together (the request
   * budget of lambda/governance/, kept in the account lock table). Unset: each call paces only
   * itself through its retries. Set it a little below Director's own limit.
   */
  maxRequestsPerSecond: z.number().positive().max(1000).optional(),
  /**
   * Director orders (log source creates, edits and deletes) in flight from the whole product at
   * once (the order slots of lambda/governance/, in the account lock table). Unset: no limit.
   */
  maxConcurrentOrders: z.int().min(1).max(100).optional(),
});
/** Credentials in the URL would be logged and sent everywhere; a query or fragment would be dropped or misread. */
function isBareOrigin(value: string): boolean {
  const url = new URL(value);
  return url.username === '' && url.password === '' && url.search === '' && url.hash === '';
}

function isAllowedDirectorUrl(value: string): boolean {
  const url = new URL(value);
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

const normalizerSchema = z.strictObject({
  name: z.string().min(1),
  type: z.string().min(1).default('compiled'),
});

const routingCriterionSchema = z.strictObject({
  key: z.string().min(1),
  value: z.string(),
  operation: z.string().min(1).default('store'),
  repository: z.string().min(1),
});

const newRepoSchema = z.strictObject({
  name: z.string().min(1),
  path: z.string().min(1),
  /** Days, sent to Director as a string as the seed guide shows. */
  retentionDays: z.int().min(1),
  remoteLogpoint: z.string().min(1).optional(),
});

const routingSchema = z.strictObject({
  catchAll: z.string().min(1).default('_logpoint'),
  criteria: z.array(routingCriterionSchema).default([]),
  newRepo: newRepoSchema.optional(),
});

const proxySchema = z.strictObject({
  ip: z.string().min(1),
  port: z.int().min(1).max(65_535),
  protocol: z.enum(['HTTP', 'HTTPS']),
});

/**
 * Where fetching starts. `now` = the moment the log source is first created; `fixed` = a given
 * instant; `days-ago` = that many days before creation. An existing log source keeps its date on edit.
 */
const filterDateSchema = z.discriminatedUnion('policy', [
  z.strictObject({ policy: z.literal('now') }),
  z.strictObject({ policy: z.literal('fixed'), date: z.iso.datetime() }),
  z.strictObject({ policy: z.literal('days-ago'), days: z.int().min(0).max(3650) }),
]);

const DEFAULT_LOG_SOURCE_DESCRIPTION = 'CloudTrail logs of AWS account {accountId}, read from S3 bucket {bucket}. Managed by logpoint-cloudtrail-onboarding.';
const DEFAULT_ORGANIZATION_SOURCE_DESCRIPTION =
  'CloudTrail logs of every account of AWS organization {organizationId}, read from S3 bucket {bucket}. Managed by logpoint-cloudtrail-onboarding.';

export const logSourceDefaultsSchema = z.strictObject({
  /** Placeholders: {accountId}, {bucket}, {region}. Must contain {accountId} so each account gets its own source. */
  namePattern: z.string().min(1).includes('{accountId}', { message: 'must contain the {accountId} placeholder' }).default('CloudTrail-{accountId}'),
  description: z.string().default(DEFAULT_LOG_SOURCE_DESCRIPTION),
  /** The description of the organization's one source (collection mode `organization`); also {organizationId}. */
  organizationDescription: z.string().default(DEFAULT_ORGANIZATION_SOURCE_DESCRIPTION),
  vendorName: z.string().default('AWS'),
  documentationLink: z.string().default('https://docs.logpoint.com/docs/cloud-trail/en/latest/'),
  /** Base64 image, empty for none. */
  logo: z.string().default(''),
  templateVid: z.string().optional(),
  dcMetadata: z.strictObject({ template: z.string().min(1), templateVersion: z.string().min(1) }).optional(),
  charset: z.string().min(1).default('utf_8'),
  timezone: z.string().min(1).refine(isIanaTimeZone, 'must be an IANA time zone such as UTC or Europe/Copenhagen').default('UTC'),
  intervalMinutes: z.int().min(1).max(1440).default(60),
  endpointUrl: z.url().default('https://s3.amazonaws.com'),
  /** Connector.protocol as in the seed guide's example. */
  protocol: z.string().default('http'),
  parser: z.string().default('CloudTrailLogParser'),
  filterDate: filterDateSchema.default({ policy: 'now' }),
  normalizers: z
    .array(normalizerSchema)
    .min(1)
    .default([{ name: 'CloudTrailCompiledNormalizer', type: 'compiled' }]),
  routing: routingSchema.default({ catchAll: '_logpoint', criteria: [] }),
  /**
   * Take over a log source of the expected name that this product did not create (one made by hand
   * from Logpoint's guide): edit it with this product's key and marker, keeping its filter date.
   * Off: such a source fails the onboarding with NOT_OWNED and is left untouched.
   */
  adoptExisting: z.boolean().default(false),
  /** Name or 24-hex id of an existing enrichment policy; resolved to the id before sending. */
  enrichmentPolicy: z.string().min(1).optional(),
  proxy: proxySchema.optional(),
});
export type LogSourceDefaults = z.infer<typeof logSourceDefaultsSchema>;
export type LogSourceDefaultsInput = z.input<typeof logSourceDefaultsSchema>;

function isIanaTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
