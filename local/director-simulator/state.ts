import {
  DEFAULT_CHARSETS,
  DEFAULT_COMPILED_NORMALIZERS,
  defaultDevices,
  defaultEnrichmentPolicies,
  defaultRepos,
  defaultRoutingPolicies,
  objectId,
  repoNamed,
} from './seed-data.js';
import type { CompiledNormalizer, Device, DirectorSeed, EnrichmentPolicy, JsonObject, JsonValue, Repo, RoutingPolicy } from './types.js';

/** A log source as stored: the write body it was created/edited with plus the ids Director adds. */
export interface StoredLogSource {
  /** Storage key: lower-case uuid or 24 hex, as the id style makes them (log-source-ids.ts). */
  key: string;
  /** Write shape (`data` of the last accepted body) without its `id`; holds the real secret_key. */
  data: JsonObject;
  routingPolicyId?: string;
  normalizationPolicyId?: string;
  enrichmentPolicyId?: string;
  lastLogReceived: string | null;
  /** Set by the simulated fetcher's first attempt (s3-fetcher.ts); read back inside `config.Connector`. */
  fetchReadBack?: { fetchStatus: string; lastFetchAttempt: string };
  /** How far the simulated fetcher has read this source's bucket (s3-fetcher.ts); a delete or reset() drops it with the source. */
  fetchCursor?: FetchCursor;
}

export interface FetchCursor {
  bucket: string;
  /** LastModified (ms) of the newest object read, or -Infinity. */
  newestMs: number;
  /** Keys read whose LastModified equals `newestMs`. */
  keysAtNewest: Set<string>;
}

interface NormalizationPolicyRecord {
  id: string;
  name: string;
  normalizers: JsonValue[];
}

/** Everything a Director logpoint holds that the API can read or change. */
export interface DirectorState {
  charsets: string[];
  compiledNormalizers: CompiledNormalizer[];
  repos: Repo[];
  enrichmentPolicies: EnrichmentPolicy[];
  routingPolicies: RoutingPolicy[];
  normalizationPolicies: NormalizationPolicyRecord[];
  devices: Device[];
  /** Keyed by `StoredLogSource.key`; Map order is creation order, which is the list order. */
  logSources: Map<string, StoredLogSource>;
  /**
   * Under `staleListsUntilRefresh` only: what GET shows (read shape, by key), taken when the last
   * refreshlist order completed, or from the seed.
   */
  listSnapshot?: Map<string, JsonObject>;
}

/** Lookups from the built-in seed plus `seed`; log sources are added by seedLogSources. */
export function createState(seed: DirectorSeed = {}): DirectorState {
  const state: DirectorState = {
    charsets: [...new Set([...DEFAULT_CHARSETS, ...(seed.charsets ?? [])])],
    compiledNormalizers: [...DEFAULT_COMPILED_NORMALIZERS, ...(seed.compiledNormalizers ?? [])].map((entry) => ({ ...entry })),
    repos: [...defaultRepos(), ...(seed.repos ?? []).map((repo) => (typeof repo === 'string' ? repoNamed(repo) : structuredClone(repo)))],
    enrichmentPolicies: [
      ...defaultEnrichmentPolicies(),
      ...(seed.enrichmentPolicies ?? []).map((policy) => ({
        id: policy.id ?? objectId(),
        name: policy.name,
        description: policy.description ?? '',
        specifications: structuredClone(policy.specifications ?? []),
      })),
    ],
    routingPolicies: [...defaultRoutingPolicies(), ...structuredClone(seed.routingPolicies ?? [])],
    normalizationPolicies: [],
    devices: [...defaultDevices(), ...structuredClone(seed.devices ?? [])],
    logSources: new Map(),
  };
  return state;
}
