import { ErrorCode } from '../contract/error-codes.js';
import type { RuntimeSettings } from '../contract/runtime-settings.js';
import type { DirectorClient } from '../director/index.js';
import { OnboardingError } from '../shared/errors.js';
import { fail, pass, skip, type PreflightCheck } from './report.js';

/**
 * The Director half of preflight: that Director answers (TLS and token refresh included), that
 * the pool and logpoint exist, and that everything the log source body names exists there: the
 * charset, the compiled normalizers, the repos of the routing policy and the enrichment policy.
 * Only reads: nothing is created.
 */
export async function checkDirector(director: DirectorClient, settings: Pick<RuntimeSettings, 'director' | 'logSource'>): Promise<PreflightCheck[]> {
  const location = `pool ${settings.director.poolUuid}, logpoint ${settings.director.logpointId} at ${settings.director.baseUrl}`;
  let charsets: string[];
  try {
    // The first call refreshes the token with the secretKey: reachability, TLS and credentials at once.
    charsets = await director.listCharsets();
  } catch (error) {
    return [connectionFailure(error, location), ...DEPENDENT_CHECKS.map(([id, title]) => skip(id, title, 'not checked: Director did not answer'))];
  }
  const checks = [pass('director.connection', 'Director answers, token refresh works', `${location} answered with a fresh token`)];
  const { logSource } = settings;

  checks.push(
    charsets.includes(logSource.charset)
      ? pass('director.charset', 'Charset', `"${logSource.charset}" exists`)
      : fail(
          'director.charset',
          'Charset',
          `Director has no charset "${logSource.charset}"`,
          `Set logSource.charset to one of Director's charsets (e.g. ${charsets.slice(0, 3).join(', ') || 'none listed'}).`,
          ErrorCode.DIRECTOR_VALIDATION_FAILED,
        ),
  );

  checks.push(
    await lookup('director.normalizers', 'Compiled normalizers', async () => {
      const known = new Set((await director.listCompiledNormalizers()).map((normalizer) => normalizer.name));
      const compiled = logSource.normalizers.filter((normalizer) => normalizer.type === 'compiled').map((normalizer) => normalizer.name);
      const missing = compiled.filter((name) => !known.has(name));
      if (missing.length === 0)
        return pass('director.normalizers', 'Compiled normalizers', compiled.length === 0 ? 'none configured' : `${compiled.join(', ')} exist`);
      return fail(
        'director.normalizers',
        'Compiled normalizers',
        `Director has no compiled normalizer ${missing.map((name) => `"${name}"`).join(', ')}`,
        'Install the normalization package in Logpoint, or fix logSource.normalizers.',
        ErrorCode.DIRECTOR_VALIDATION_FAILED,
      );
    }),
  );

  checks.push(
    await lookup('director.repos', 'Repos of the routing policy', async () => {
      const known = new Set((await director.listRepos()).map((repo) => repo.name));
      const routing = logSource.routing;
      // A repo the routing policy creates (routing.newRepo) need not exist yet.
      const created = routing.newRepo?.name;
      const named = [
        { role: 'catch-all', name: routing.catchAll },
        ...routing.criteria.map((criterion) => ({ role: `criterion ${criterion.key}=${criterion.value}`, name: criterion.repository })),
      ];
      const missing = named.filter(({ name }) => name !== created && !known.has(name));
      if (missing.length === 0) return pass('director.repos', 'Repos of the routing policy', `${[...new Set(named.map(({ name }) => name))].join(', ')} exist`);
      return fail(
        'director.repos',
        'Repos of the routing policy',
        `Director has no repo ${missing.map(({ role, name }) => `"${name}" (${role})`).join(', ')}`,
        'Create the repo in Logpoint, or point logSource.routing.catchAll / criteria[].repository at an existing one (or let routing.newRepo create it).',
        ErrorCode.DIRECTOR_VALIDATION_FAILED,
      );
    }),
  );

  const policy = logSource.enrichmentPolicy;
  checks.push(
    policy === undefined
      ? skip('director.enrichment', 'Enrichment policy', 'none configured')
      : await lookup('director.enrichment', 'Enrichment policy', async () => {
          const id = await director.resolveEnrichmentPolicyId(policy);
          return pass('director.enrichment', 'Enrichment policy', `"${policy}" is ${id}`);
        }),
  );
  return checks;
}

const DEPENDENT_CHECKS = [
  ['director.charset', 'Charset'],
  ['director.normalizers', 'Compiled normalizers'],
  ['director.repos', 'Repos of the routing policy'],
  ['director.enrichment', 'Enrichment policy'],
] as const;

/** One lookup; an error of the lookup itself (not a missing name) fails the check with its code. */
async function lookup(id: string, title: string, check: () => Promise<PreflightCheck>): Promise<PreflightCheck> {
  try {
    return await check();
  } catch (error) {
    const code = error instanceof OnboardingError ? error.code : ErrorCode.INTERNAL;
    const message = error instanceof Error ? error.message : String(error);
    return fail(id, title, message, 'See the message; the lookup is a plain GET an onboarding makes too.', code);
  }
}

const TLS_ERROR = /certificate|CERT_|SSL|TLS|self[- ]signed/i;

function connectionFailure(error: unknown, location: string): PreflightCheck {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof OnboardingError ? error.code : ErrorCode.INTERNAL;
  const title = 'Director answers, token refresh works';
  const fixes: Partial<Record<string, string>> = {
    [ErrorCode.DIRECTOR_AUTH_FAILED]: 'Put a valid secretKey in the Director credential secret (director.credentialSecretId): Director refused it.',
    [ErrorCode.DIRECTOR_FORBIDDEN]: 'Give the API user access to this pool and logpoint in Director.',
    [ErrorCode.DIRECTOR_NOT_FOUND]: 'Check director.poolUuid and director.logpointId: Director knows no such pool or logpoint.',
  };
  const causeText = error instanceof Error && error.cause instanceof Error ? `${message} ${error.cause.message}` : message;
  const fix =
    fixes[code] ??
    (TLS_ERROR.test(causeText)
      ? "Director's certificate is not trusted: set director.caBundleFile to the PEM bundle of its CA."
      : 'Check director.baseUrl and the network path to Director (DNS, firewall, proxy).');
  return fail('director.connection', title, `${location}: ${message}`, fix, code);
}
