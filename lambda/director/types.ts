import * as z from 'zod';

/**
 * Shapes of Director Console API payloads (director-api.md). Write shapes are plain types: the
 * product builds them. Read shapes are zod schemas that tolerate what Director may plausibly send:
 * unknown extra fields pass through untouched, optional fields of an unexpected type read as
 * absent, and ids may be strings or numbers. Only the fields this product relies on are required.
 */

// ─── Write shape: the LogSources body (`{"data": LogSourceBody}`) ──────────────────────────────

interface LogSourceSourceBody {
  name: string;
  /** Minutes, ≥ 1. */
  interval: number;
  /** One of the Charsets list, e.g. `utf_8`. */
  charset: string;
  /** IANA name, e.g. `UTC`. */
  timezone: string;
}

interface ProxyBody {
  status: true;
  IP: string;
  port: number;
  protocol: 'HTTP' | 'HTTPS';
}

interface LogSourceConnectorBody {
  endpoint_url?: string;
  access_key: string;
  /** The AWS secret access key: never logged, never in an error, masked in read-backs. */
  secret_key: string;
  bucket_name: string;
  region_name: string;
  /** ISO-8601 instant. */
  filter_date: string;
  parser?: string;
  enable_proxy?: false | ProxyBody;
  protocol?: string;
}

interface RoutingCriterionBody {
  key: string;
  value: string;
  operation: string;
  repository: string;
}

interface RoutingPolicyBody {
  routing_criterion: RoutingCriterionBody[];
  catch_all: string;
  /** A repo to create together with the log source. */
  repo_name?: string;
  path?: string;
  /** Days, as a string. */
  retention?: string;
  remote_logpoint?: string;
}

interface NormalizerBody {
  name: string;
  type: string;
}

interface LogSourceConfigBody {
  Source: LogSourceSourceBody;
  Connector: LogSourceConnectorBody;
  RoutingPolicy: RoutingPolicyBody;
  NormalizationPolicy: { normalizers: NormalizerBody[] };
  /** Id (24 hex) of an existing enrichment policy. */
  EnrichmentPolicy?: string;
}

export interface LogSourceBody {
  name: string;
  /** `S3Fetcher` for CloudTrail. */
  type: string;
  vendor_name?: string;
  description?: string;
  documentation_link?: string;
  /** Base64 image. */
  logo?: string;
  /** Template facts (`template`, `templateVersion`) plus this product's ownership marker keys. */
  dc_metadata?: Record<string, string>;
  template_vid?: string;
  /** Only in edits: `LogSources/<uuid>`; the client fills it in. */
  id?: string;
  config: LogSourceConfigBody;
}

// ─── Tolerant building blocks ──────────────────────────────────────────────────────────────────

/** An optional text field; any other type reads as absent rather than failing the whole record. */
const optionalText = z.string().nullish().catch(undefined);
/** Ids are strings in every observed answer; a number is accepted and turned into its string. */
const idText = z.union([z.string().min(1), z.number().transform(String)]);
const optionalIdText = idText.nullish().catch(undefined);
const optionalBoolean = z.boolean().nullish().catch(undefined);
const textOrNumber = z.union([z.string(), z.number()]).nullish().catch(undefined);

// ─── Read shape: a LogSource as listed / fetched ───────────────────────────────────────────────

export const logSourceRecordSchema = z.looseObject({
  /** `LogSources/<uuid>` in observed answers; a bare uuid is tolerated. */
  id: idText,
  name: z.string(),
  /** The read shape says `log_source_type`; `type` is tolerated too. */
  log_source_type: optionalText,
  type: optionalText,
  vendor_name: optionalText,
  logo: optionalText,
  description: optionalText,
  documentation_link: optionalText,
  config: z
    .looseObject({
      Source: z.looseObject({ name: optionalText, interval: textOrNumber, charset: optionalText, timezone: optionalText }).nullish().catch(undefined),
      Connector: z
        .looseObject({
          endpoint_url: optionalText,
          access_key: optionalText,
          /** Masked by Director (assumed) and always masked again by this client. */
          secret_key: optionalText,
          bucket_name: optionalText,
          region_name: optionalText,
          filter_date: optionalText,
        })
        .nullish()
        .catch(undefined),
      /** An id string when read back (not the inline object that was sent). */
      RoutingPolicy: z.unknown().optional(),
      NormalizationPolicy: z.unknown().optional(),
      EnrichmentPolicy: z.unknown().optional(),
    })
    .nullish()
    .catch(undefined),
  dc_metadata: z.unknown().optional(),
  last_log_received: z.unknown().optional(),
});
export type LogSourceRecord = z.infer<typeof logSourceRecordSchema>;

// ─── Lookups ───────────────────────────────────────────────────────────────────────────────────

/** A bare string item is read as `{name}`: some lookup lists are plain name arrays elsewhere in Director. */
const nameOnlyString = (value: unknown): unknown => (typeof value === 'string' ? { name: value } : value);

export const compiledNormalizerSchema = z.preprocess(nameOnlyString, z.looseObject({ name: z.string().min(1), version: textOrNumber, id: optionalIdText }));
export type CompiledNormalizer = z.infer<typeof compiledNormalizerSchema>;

export const repoSchema = z.preprocess(
  nameOnlyString,
  z.looseObject({
    id: optionalIdText,
    name: z.string().min(1),
    repopath: z
      .array(z.looseObject({ path: optionalText, retention: textOrNumber }))
      .nullish()
      .catch(undefined),
    active: optionalBoolean,
  }),
);
export type Repo = z.infer<typeof repoSchema>;

export const enrichmentPolicySchema = z.looseObject({
  id: idText,
  name: z.string(),
  description: optionalText,
  specifications: z.unknown().optional(),
});
export type EnrichmentPolicy = z.infer<typeof enrichmentPolicySchema>;

/** `policy_name` per the contract; a plain `name` is tolerated and copied over. */
export const routingPolicySchema = z.preprocess(
  (value: unknown) =>
    typeof value === 'object' && value !== null && !('policy_name' in value) && 'name' in value ? { ...value, policy_name: value.name } : value,
  z.looseObject({
    id: optionalIdText,
    policy_name: z.string(),
    catch_all: optionalText,
    routing_criteria: z.array(z.unknown()).nullish().catch(undefined),
  }),
);
export type RoutingPolicy = z.infer<typeof routingPolicySchema>;

export const deviceSchema = z.looseObject({
  id: optionalIdText,
  name: z.string(),
  type: optionalText,
  ip: z.array(z.string()).nullish().catch(undefined),
  active: optionalBoolean,
});
export type Device = z.infer<typeof deviceSchema>;

// ─── Orders ────────────────────────────────────────────────────────────────────────────────────

/** Where to poll a write's outcome. `orderPath` always starts with `/monitorapi/`. */
export interface OrderReference {
  orderPath: string;
  requestId: string;
}

/** An order read through `getOrder`, interpreted (Director has no status enum: see orders.ts). */
export type OrderStatus =
  | { state: 'pending' }
  | { state: 'succeeded'; id?: string; message?: string; warning?: string }
  | { state: 'failed'; message: string; validationErrors: Record<string, string[]>; errors: string[] };

export type SucceededOrder = Extract<OrderStatus, { state: 'succeeded' }>;

/** The HTTP methods the Console API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
