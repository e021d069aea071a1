import type { DirectorSimulatorOptions } from './types.js';

/**
 * Named bundles of answers to the points Logpoint does not document (director-api.md, "assumed"
 * and "unknown"). Each profile plays one plausible Director, so the product can be run against
 * all of them; `default` is the simulator as it always was and accepts the seed guide's create
 * and edit examples verbatim.
 */
interface DirectorProfile {
  description: string;
  options: Omit<DirectorSimulatorOptions, 'profile'>;
}

export const DIRECTOR_PROFILES: Readonly<Record<string, DirectorProfile>> = {
  default: {
    description: 'the seed guide: LogSources/<uuid> ids, access_key read back plain, bare order path, no id in the order, JWTs with exp',
    options: {},
  },
  'v27-docs': {
    description: 'the official API v2.7.0 docs: bare 24-hex ids (a LogSources/<x> body id fails the edit), no access_key in read-backs, no id in the order',
    options: { idStyle: 'bare-hex', accessKeyReadBack: 'absent', orderPathStyle: 'bare', orderResponseIncludesId: false },
  },
  'masked-readback': {
    description: 'Connector.access_key read back masked, like secret_key',
    options: { accessKeyReadBack: 'masked' },
  },
  'stale-lists': {
    description: 'Get and List show the log sources as of the last completed POST .../LogSources/refreshlist order',
    options: { staleListsUntilRefresh: true },
  },
  'no-exp-tokens': {
    description: 'JWTs carry iat but no exp, like the real token in public logs: valid until Director answers 401',
    options: { tokenExp: false },
  },
  'rotating-secret-key': {
    description: 'every POST /refreshToken returns a new secretKey; the old one stops working',
    options: { rotateSecretKeyOnRefresh: true },
  },
  'leading-slash-orders': {
    description: 'order message with a leading slash (/monitorapi/...), as the docs print it',
    options: { orderPathStyle: 'leading-slash' },
  },
  'v1-paths': {
    description: 'order message in the /monitorapi/v1/... form',
    options: { orderPathStyle: 'v1' },
  },
  'id-in-order': {
    description: 'a succeeded order response carries the created log source id',
    options: { orderResponseIncludesId: true },
  },
  noisy: {
    description: 'unknown extra fields in every JSON answer (objects, list items, order responses)',
    options: { extraFields: true },
  },
};

/**
 * The options a simulator runs with: the profile's first, then every option given explicitly.
 * Undefined values do not override, so a caller (such as the CLI) may pass unset flags through.
 */
export function resolveProfile(options: DirectorSimulatorOptions): DirectorSimulatorOptions {
  const { profile: name, ...explicit } = options;
  if (name === undefined) return explicit;
  if (!Object.hasOwn(DIRECTOR_PROFILES, name)) {
    throw new RangeError(`unknown Director profile "${name}"; known profiles: ${Object.keys(DIRECTOR_PROFILES).join(', ')}`);
  }
  const defined = Object.entries(explicit).filter(([, value]) => value !== undefined);
  return { ...DIRECTOR_PROFILES[name]?.options, ...Object.fromEntries(defined) };
}
