import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { DIRECTOR_PROFILES } from './profiles.js';
import { compileRoutePattern } from './route-pattern.js';
import type { AccessKeyReadBack, DirectorFaults, DirectorSimulatorOptions, IdStyle, JsonValue, OrderPathStyle } from './types.js';

/** A command line the simulator cannot run with; the CLI prints it and exits with status 2. */
export class CliUsageError extends Error {}

interface FlagSpec {
  name: string;
  type: 'string' | 'boolean';
  value?: string;
  multiple?: boolean;
  description: string;
}

/** Single source of both the parser configuration and `--help`, so they cannot drift apart. */
const FLAGS: readonly FlagSpec[] = [
  { name: 'profile', type: 'string', value: 'NAME', description: 'a named Director variant (--list-profiles); the flags below override it' },
  { name: 'list-profiles', type: 'boolean', description: 'print each profile name and its description, then exit' },
  { name: 'port', type: 'string', value: 'N', description: 'port on 127.0.0.1 (default 8089; 0 picks a free one and prints it)' },
  { name: 'token', type: 'string', value: 'TOKEN', multiple: true, description: 'accept this bearer token until expired by a fault (repeatable)' },
  { name: 'secret-key', type: 'string', value: 'KEY', description: 'secretKey accepted by POST /refreshToken (default random)' },
  { name: 'pool', type: 'string', value: 'HEX32', description: 'pool UUID (default random 32 hex)' },
  { name: 'logpoint', type: 'string', value: 'HEX32', description: 'logpoint identifier (default random 32 hex)' },
  { name: 'order-delay-ms', type: 'string', value: 'N', description: 'time an order stays pending (default 1000)' },
  { name: 'order-path-style', type: 'string', value: 'STYLE', description: 'order path in write answers: bare | leading-slash | v1 (default bare)' },
  { name: 'order-response-includes-id', type: 'boolean', description: 'succeeded orders carry the log source id' },
  { name: 'token-ttl', type: 'string', value: 'SECONDS', description: 'lifetime of refreshed tokens (default 28800)' },
  { name: 'rotate-secret-key', type: 'boolean', description: 'every refresh returns a new secretKey; the old one stops working' },
  { name: 'id-style', type: 'string', value: 'STYLE', description: 'log source ids: prefixed-uuid (LogSources/<uuid>) | bare-hex (default prefixed-uuid)' },
  { name: 'access-key-read-back', type: 'string', value: 'HOW', description: 'Connector.access_key in reads: plain | masked | absent (default plain)' },
  { name: 'stale-lists', type: 'boolean', description: 'Get/List show the log sources as of the last completed refreshlist order' },
  { name: 'no-token-exp', type: 'boolean', description: 'issued JWTs carry no exp claim' },
  { name: 'extra-fields', type: 'boolean', description: 'unknown extra fields in every JSON answer' },
  { name: 'tls-key', type: 'string', value: 'FILE', description: 'serve HTTPS with this PEM key (needs --tls-cert)' },
  { name: 'tls-cert', type: 'string', value: 'FILE', description: 'PEM certificate for --tls-key' },
  { name: 'fail-route', type: 'string', value: '"METHOD /path"', description: 'route answered with --fail-status, e.g. "POST /LogSources" ("*" globs)' },
  { name: 'fail-status', type: 'string', value: 'CODE', description: 'status for --fail-route (default 503)' },
  { name: 'fail-count', type: 'string', value: 'N|always', description: 'how many calls of --fail-route fail (default 1)' },
  { name: 'fail-body', type: 'string', value: 'JSON', description: 'body for --fail-route (default {"status":"Error","message":...})' },
  { name: 'latency-ms', type: 'string', value: 'N', description: 'add this delay to every request' },
  { name: 'drop-count', type: 'string', value: 'N', description: 'destroy the connection of the next N requests without answering' },
  { name: 'drop-after-apply-count', type: 'string', value: 'N', description: 'serve the next N requests (writes apply), then drop the connection unanswered' },
  { name: 'throttle-count', type: 'string', value: 'N', description: 'answer the next N requests with 429' },
  { name: 'retry-after', type: 'string', value: 'SECONDS', description: 'Retry-After of --throttle-count answers (default 1)' },
  { name: 'fail-orders', type: 'string', value: 'N', description: 'the next N orders fail' },
  { name: 'lose-orders', type: 'string', value: 'N', description: 'the next N orders apply, but GET .../orders/{id} answers 404 for them' },
  { name: 'never-finish-orders', type: 'boolean', description: 'orders never finish' },
  { name: 'rate-limit', type: 'string', value: 'N', description: 'above N requests per second answer 429 with Retry-After' },
  { name: 'forbid-count', type: 'string', value: 'N|always', description: 'the next N authenticated calls answer 403' },
  { name: 'verbose', type: 'boolean', description: 'log each request (method, path, status) to stderr' },
  { name: 'help', type: 'boolean', description: 'show this help' },
];

export const DEFAULT_CLI_PORT = 8089;

/** `--list-profiles`: one line per profile, name padded, then its description. */
export function profileListText(): string {
  const names = Object.keys(DIRECTOR_PROFILES);
  const width = Math.max(...names.map((name) => name.length));
  return Object.entries(DIRECTOR_PROFILES)
    .map(([name, profile]) => `${name.padEnd(width)}  ${profile.description}`)
    .join('\n');
}

export function helpText(): string {
  const rows = FLAGS.map((flag) => [`--${flag.name}${flag.value === undefined ? '' : ` ${flag.value}`}`, flag.description]);
  const width = Math.max(...rows.map(([left = '']) => left.length));
  return [
    'Usage: npm run director-sim -- [flags]',
    '',
    'Serves the Director Console API simulator on 127.0.0.1 until SIGINT/SIGTERM.',
    '',
    ...rows.map(([left = '', right = '']) => `  ${left.padEnd(width)}  ${right}`),
  ].join('\n');
}

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'list-profiles' }
  | { kind: 'run'; options: DirectorSimulatorOptions; verbose: boolean; applyFaults: (faults: DirectorFaults) => void };

type FlagValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

function parseCount(flag: string, raw: string, allowAlways: boolean): number {
  if (allowAlways && raw === 'always') return Infinity;
  if (!/^\d+$/.test(raw)) throw new CliUsageError(`--${flag} must be a whole number${allowAlways ? ' or "always"' : ''}, got "${raw}"`);
  return Number(raw);
}

function readPem(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new CliUsageError(`--${flag}: cannot read ${file}`);
  }
}

function parseJsonFlag(flag: string, raw: string): JsonValue {
  try {
    return JSON.parse(raw) as JsonValue;
  } catch {
    throw new CliUsageError(`--${flag} must be JSON`);
  }
}

/** The flag's value when it is one of `choices`, undefined when absent; else a usage error. */
function choice<T extends string>(values: FlagValues, flag: string, choices: readonly T[]): T | undefined {
  const raw = values[flag] as string | undefined;
  if (raw === undefined || (choices as readonly string[]).includes(raw)) return raw as T | undefined;
  throw new CliUsageError(`--${flag} must be ${choices.slice(0, -1).join(', ')} or ${choices.at(-1) ?? ''}, got "${raw}"`);
}

/** A boolean flag sets its option only when given, so an absent flag leaves the profile's value. */
function onlyIfSet(values: FlagValues, flag: string): true | undefined {
  return values[flag] === true ? true : undefined;
}

function profileOf(values: FlagValues): string | undefined {
  const name = values.profile as string | undefined;
  if (name === undefined || Object.hasOwn(DIRECTOR_PROFILES, name)) return name;
  throw new CliUsageError(`--profile must be one of ${Object.keys(DIRECTOR_PROFILES).join(', ')}, got "${name}"`);
}

function toOptions(values: FlagValues): DirectorSimulatorOptions {
  const text = (name: string): string | undefined => values[name] as string | undefined;
  const number = (name: string): number | undefined => {
    const raw = text(name);
    return raw === undefined ? undefined : parseCount(name, raw, false);
  };
  const port = number('port') ?? DEFAULT_CLI_PORT;
  if (port > 65535) throw new CliUsageError(`--port must be 0-65535, got ${port}`);
  const tokenTtlSeconds = number('token-ttl');
  if (tokenTtlSeconds === 0) throw new CliUsageError('--token-ttl must be at least 1 second');
  const [tlsKey, tlsCert] = [text('tls-key'), text('tls-cert')];
  if ((tlsKey === undefined) !== (tlsCert === undefined)) throw new CliUsageError('--tls-key and --tls-cert go together');
  return {
    profile: profileOf(values),
    port,
    token: values.token as string[] | undefined,
    secretKey: text('secret-key'),
    poolUuid: text('pool'),
    logpointId: text('logpoint'),
    orderDelayMs: number('order-delay-ms'),
    orderPathStyle: choice<OrderPathStyle>(values, 'order-path-style', ['bare', 'leading-slash', 'v1']),
    orderResponseIncludesId: onlyIfSet(values, 'order-response-includes-id'),
    tokenTtlSeconds,
    rotateSecretKeyOnRefresh: onlyIfSet(values, 'rotate-secret-key'),
    idStyle: choice<IdStyle>(values, 'id-style', ['prefixed-uuid', 'bare-hex']),
    accessKeyReadBack: choice<AccessKeyReadBack>(values, 'access-key-read-back', ['plain', 'masked', 'absent']),
    staleListsUntilRefresh: onlyIfSet(values, 'stale-lists'),
    tokenExp: values['no-token-exp'] === true ? false : undefined,
    extraFields: onlyIfSet(values, 'extra-fields'),
    ...(tlsKey === undefined || tlsCert === undefined ? {} : { tls: { key: readPem('tls-key', tlsKey), cert: readPem('tls-cert', tlsCert) } }),
  };
}

/** Turns the fault flags into calls on the fault API; checked at parse time, applied after start. */
function toFaultPlan(values: FlagValues): (faults: DirectorFaults) => void {
  const text = (name: string): string | undefined => values[name] as string | undefined;
  const count = (name: string, allowAlways = false): number | undefined => {
    const raw = text(name);
    return raw === undefined ? undefined : parseCount(name, raw, allowAlways);
  };
  const steps: ((faults: DirectorFaults) => void)[] = [];
  const route = text('fail-route');
  const [failStatus, failCount, failBody] = [count('fail-status'), count('fail-count', true), text('fail-body')];
  if (route === undefined && (failStatus !== undefined || failCount !== undefined || failBody !== undefined)) {
    throw new CliUsageError('--fail-status, --fail-count and --fail-body need --fail-route');
  }
  if (route !== undefined) {
    checkRoutePattern(route);
    const status = failStatus ?? 503;
    if (status < 200 || status > 599) throw new CliUsageError(`--fail-status must be 200-599, got ${status}`);
    const body = failBody === undefined ? undefined : parseJsonFlag('fail-body', failBody);
    steps.push((faults) => faults.failRoute(route, { status, count: failCount ?? 1, ...(body === undefined ? {} : { body }) }));
  }
  const latency = count('latency-ms');
  if (latency !== undefined) steps.push((faults) => faults.setLatency(latency));
  const drops = count('drop-count');
  if (drops !== undefined) steps.push((faults) => faults.dropConnections(drops));
  const dropsAfterApply = count('drop-after-apply-count');
  if (dropsAfterApply !== undefined) steps.push((faults) => faults.dropAfterApply(dropsAfterApply));
  const throttles = count('throttle-count');
  const retryAfter = count('retry-after');
  if (retryAfter !== undefined && throttles === undefined) throw new CliUsageError('--retry-after needs --throttle-count');
  if (throttles !== undefined) steps.push((faults) => faults.throttle(throttles, { retryAfter: retryAfter ?? 1 }));
  const failedOrders = count('fail-orders');
  if (failedOrders !== undefined) steps.push((faults) => faults.failOrders(failedOrders));
  const lostOrders = count('lose-orders');
  if (lostOrders !== undefined) steps.push((faults) => faults.loseOrders(lostOrders));
  if (values['never-finish-orders'] === true) steps.push((faults) => faults.neverFinishOrders());
  const rateLimit = count('rate-limit');
  if (rateLimit === 0) throw new CliUsageError('--rate-limit must be at least 1');
  if (rateLimit !== undefined) steps.push((faults) => faults.rateLimit(rateLimit));
  const forbidden = count('forbid-count', true);
  if (forbidden !== undefined) steps.push((faults) => faults.forbidTokens(forbidden));
  return (faults) => steps.forEach((step) => step(faults));
}

function checkRoutePattern(route: string): void {
  try {
    compileRoutePattern(route);
  } catch (error) {
    throw new CliUsageError(`--fail-route: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function parseCliArgs(argv: readonly string[]): CliCommand {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const flag of FLAGS) {
    options[flag.name] = { type: flag.type, ...(flag.multiple === true ? { multiple: true } : {}) };
  }
  options.help = { type: 'boolean', short: 'h' };
  let values: FlagValues;
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) return { kind: 'help' };
  if (values['list-profiles'] === true) return { kind: 'list-profiles' };
  return { kind: 'run', options: toOptions(values), verbose: values.verbose === true, applyFaults: toFaultPlan(values) };
}
