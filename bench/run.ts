import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { coldInitFigures, CONSTRUCT_BUNDLING, type ColdInitFigure } from './cold-init.js';
import { orderPollingFigures, type PollingFigure } from './order-polling.js';

/**
 * `npm run bench [-- --json]`: the figures behind any performance statement about the product,
 * as a readable table, or with `--json` as one JSON document on stdout (CONTRIBUTING.md says how
 * to read them).
 * 1. Size of each Lambda bundle as the construct builds it (minified ESM, AWS SDK external).
 * 2. Wall time of complete onboardings in the local sandbox (median and spread over several runs).
 * 3. Director requests of one creating onboarding, per simulator profile, against the minimum.
 * 4. Director rate governance: a fleet of onboardings against a rate-limited Director on a
 *    simulated clock (bench/fleet-governance.ts).
 * 5. Order polling: how late a finished order is seen and how many CheckOrder invocations that
 *    takes, against a look every 5 s (bench/order-polling.ts).
 * 6. Cold init of each Lambda bundle against a bundle that loads only the SDK clients the
 *    function lists (`awsClients`) and against an empty handler (bench/cold-init.ts).
 * Numbers of 1, 2 and 6 depend on the machine (compare runs on the same machine only); 3 to 5 do not.
 */
const LAMBDA_DIR = path.join(import.meta.dirname, '..', 'lambda');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const FLEET_ACCOUNTS = Number(process.env.BENCH_FLEET_ACCOUNTS ?? 1000);
const COLD_INIT_RUNS = Number(process.env.BENCH_COLD_INIT_RUNS ?? 5);
const JSON_OUTPUT = process.argv.includes('--json');
/** The readable table goes to stdout; under --json, stdout carries the one document and the table goes nowhere. */
const say = (line: string): void => {
  if (!JSON_OUTPUT) console.log(line);
};

interface BenchFigures {
  bundles: Array<{ function: string; bytes: number; mapBytes: number }>;
  sandboxOnboarding: { runs: number; startMs: number; medianMs: number; minMs: number; maxMs: number };
  directorRequests: Array<{ profile: string; perOnboarding: number; minimum: number; kinds: Record<string, number> }>;
  fleet: {
    accounts: number;
    failed: number;
    duplicates: number;
    rateUtilization: number;
    withoutGovernor: { failed: number; duplicates: number; rateUtilization: number };
  };
  polling: PollingFigure[];
  coldInit: ColdInitFigure[];
}

async function bundleSizes(): Promise<BenchFigures['bundles']> {
  say('Lambda bundle sizes, bundled as the construct does (minified ESM, @aws-sdk/* and undici external, with a source map):');
  const sizes: BenchFigures['bundles'] = [];
  const entryPoints = readdirSync(LAMBDA_DIR, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.handler.ts'))
    .sort();
  for (const file of entryPoints) {
    const result = await build({ ...CONSTRUCT_BUNDLING, entryPoints: [path.join(LAMBDA_DIR, file)], outdir: 'out', write: false });
    const sizeOf = (map: boolean) =>
      result.outputFiles.filter((output) => output.path.endsWith('.map') === map).reduce((sum, output) => sum + output.contents.byteLength, 0);
    const bytes = sizeOf(false);
    const mapBytes = sizeOf(true);
    say(`  ${file.padEnd(48)} ${(bytes / 1024).toFixed(1).padStart(7)} KiB, source map ${(mapBytes / 1024).toFixed(1).padStart(7)} KiB`);
    sizes.push({ function: file, bytes, mapBytes });
  }
  return sizes;
}

async function sandboxOnboardings(): Promise<BenchFigures['sandboxOnboarding']> {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const { startSandbox } = await import('../local/sandbox/environment.js');
  const started = performance.now();
  const sandbox = await startSandbox({ waitMs: 20, director: { orderDelayMs: 50 } });
  const startMs = Math.round(performance.now() - started);
  say(`\nSandbox start (s3rver, simulator, synth): ${startMs} ms`);
  try {
    const times: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const begin = performance.now();
      const result = await sandbox.run({ accountId: '111122223333' });
      if (result.status !== 'SUCCEEDED') throw new Error(`run ${run} failed: ${result.error?.code}`);
      times.push(performance.now() - begin);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? 0;
    say(
      `Onboarding in the sandbox, ${RUNS} runs (first creates, the rest edit): median ${median.toFixed(0)} ms, ` +
        `min ${(times[0] ?? 0).toFixed(0)} ms, max ${(times.at(-1) ?? 0).toFixed(0)} ms`,
    );
    return { runs: RUNS, startMs, medianMs: Math.round(median), minMs: Math.round(times[0] ?? 0), maxMs: Math.round(times.at(-1) ?? 0) };
  } finally {
    await sandbox.stop();
  }
}

/**
 * What one Director request is, for counting: the call kinds an onboarding makes. An order poll is
 * named after the write whose order it reads (the last write before it).
 */
function requestKinds(requests: readonly { method: string; path: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  let lastWrite = 'write';
  for (const { method, path } of requests) {
    let kind: string;
    if (path.endsWith('/refreshToken')) kind = 'token refresh';
    else if (path.includes('/orders/')) kind = `${lastWrite} poll`;
    else if (path.endsWith('/LogSources/refreshlist')) kind = lastWrite = 'refreshlist';
    // A creating registration reads no source by id: such a GET is the data-plane watch's look (CheckDataFlow).
    else if (method === 'GET') kind = path.endsWith('/LogSources') ? 'list' : 'data-plane read';
    else kind = lastWrite = method;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return counts;
}

/**
 * Director requests of one creating onboarding, per simulator profile (issue 11: at most POST,
 * order polls, one lookup, one refreshlist, one token refresh). Orders finish at once here, so the
 * poll counts are each order's minimum (one look) and the figures do not depend on timing. The
 * minimum is one request of each kind the profile needs (a profile whose orders name no id needs
 * a lookup; one with stale lists a refreshlist): anything above it is a repeated request.
 */
async function directorCallsPerProfile(): Promise<BenchFigures['directorRequests']> {
  const figures: BenchFigures['directorRequests'] = [];
  const { startSandbox } = await import('../local/sandbox/environment.js');
  const { DIRECTOR_PROFILES } = await import('../local/director-simulator/index.js');
  say('\nDirector requests of one creating onboarding, per profile (orders finish at once), against the minimum:');
  for (const profile of Object.keys(DIRECTOR_PROFILES)) {
    // One data-plane look (deadline 0): its reads are counted apart from the registration's calls.
    const sandbox = await startSandbox({ waitMs: 1, director: { profile, orderDelayMs: 0 }, config: { dataFlow: { deadlineSeconds: 0 } } });
    try {
      const result = await sandbox.run({ accountId: '111122223333' });
      if (result.status !== 'SUCCEEDED') throw new Error(`the onboarding failed under ${profile}: ${result.error?.code}`);
      const counts = requestKinds(sandbox.director.requests);
      const detail = [...counts].map(([kind, count]) => `${kind} ${count}`).join(', ');
      const lookups = counts.get('list') ?? 0;
      const perOnboarding = sandbox.director.requests.length;
      say(`  ${profile.padEnd(22)} ${String(perOnboarding).padStart(3)} requests (minimum ${counts.size}), ${lookups} lookup(s): ${detail}`);
      figures.push({ profile, perOnboarding, minimum: counts.size, kinds: Object.fromEntries(counts) });
    } finally {
      await sandbox.stop();
    }
  }
  return figures;
}

/**
 * The fleet of issue 13: many creating onboardings at once against a Director that allows the
 * budget's rate, with the governor (every client shares the token bucket and the order slots)
 * and, for comparison, without (each client paces only itself through its retries on 429; the
 * workflow's own Retry is not simulated, so a call that runs out of retries fails its onboarding).
 */
async function fleetGovernance(): Promise<BenchFigures['fleet']> {
  const { runFleetBench } = await import('./fleet-governance.js');
  const fleet = { accounts: FLEET_ACCOUNTS, callers: 50, requestsPerSecond: 10, maxConcurrentOrders: 10 };
  say(
    `\nDirector rate governance, simulated clock: ${fleet.accounts} creating onboardings of 7 Director requests each, ${fleet.callers} at a time, ` +
      `Director limited to ${fleet.requestsPerSecond} requests/s (sliding 1 s window, 429 + Retry-After above it), maxConcurrentOrders ${fleet.maxConcurrentOrders}:`,
  );
  const columns = ['accounts', 'failed', 'duplicates', 'admitted', '429s', 'rateUtilization', 'peak orders', 'simulated s'];
  say(`  ${'run'.padEnd(34)}${columns.map((column) => column.padStart(16)).join('')}`);
  const results = [];
  for (const [label, governed] of [
    ['governor (shared budget)', true],
    ['no governor (own retries only)', false],
  ] as const) {
    const result = await runFleetBench({ ...fleet, governed });
    results.push(result);
    const cells = [
      result.accounts,
      result.failed,
      result.duplicates,
      result.admitted,
      result.refused,
      result.rateUtilization.toFixed(3),
      result.peakConcurrentOrders,
      result.simulatedSeconds.toFixed(1),
    ];
    say(`  ${label.padEnd(34)}${cells.map((cell) => String(cell).padStart(16)).join('')}`);
  }
  say(
    '  rateUtilization = requests Director admitted ÷ (limit × T), T = simulated seconds from the start (every onboarding queued) to the last admitted request, plus one interval (1/limit).\n' +
      '  duplicates = requests admitted a second time for the same logical call (account, method, path); failed = onboardings that ended with an error.',
  );
  const [withGovernor, withoutGovernor] = results;
  if (withGovernor === undefined || withoutGovernor === undefined) throw new Error('the fleet bench ran no runs');
  const figures = ({ failed, duplicates, rateUtilization }: typeof withGovernor) => ({ failed, duplicates, rateUtilization });
  return { accounts: withGovernor.accounts, ...figures(withGovernor), withoutGovernor: figures(withoutGovernor) };
}

async function orderPolling(): Promise<PollingFigure[]> {
  const figures = await orderPollingFigures();
  say('\nOrder polling (orderPolling defaults), simulated clock: when a finished order is seen, against a look every 5 s:');
  say(`  ${['order done at', 'seen after', 'CheckOrder calls', 'every 5 s: calls', 'ratio'].map((column) => column.padStart(18)).join('')}`);
  for (const figure of figures) {
    const cells = [
      `${figure.orderSeconds} s`,
      `${figure.delaySeconds} s`,
      figure.invocations,
      figure.fixed5sInvocations,
      (figure.invocations / figure.fixed5sInvocations).toFixed(2),
    ];
    say(`  ${cells.map((cell) => String(cell).padStart(18)).join('')}`);
  }
  return figures;
}

async function coldInit(): Promise<ColdInitFigure[]> {
  say(
    `\nCold init, median of ${COLD_INIT_RUNS} fresh \`node --enable-source-maps\` processes importing the bundle (start-up excluded), ` +
      'against a baseline importing only the SDK clients the function needs (each built once) and an empty handler:',
  );
  const columns = ['ms', 'baseline ms', 'empty ms', 'ratio', 'vs empty', 'KiB'];
  say(`  ${'function'.padEnd(48)}${columns.map((column) => column.padStart(12)).join('')}  SDK clients`);
  const figures = await coldInitFigures({ runs: COLD_INIT_RUNS });
  for (const figure of figures) {
    const cells = [figure.ms, figure.baselineMs, figure.emptyMs].map((ms) => ms.toFixed(1));
    cells.push(figure.ratio.toFixed(2), figure.ratioVsEmpty.toFixed(2), (figure.bytes / 1024).toFixed(1));
    const clients = figure.sdkClients.map((name) => name.replace('@aws-sdk/client-', '')).join(', ') || 'none';
    say(`  ${figure.function.padEnd(48)}${cells.map((cell) => cell.padStart(12)).join('')}  ${clients}${figure.declared ? '' : ' (from the bundle)'}`);
  }
  return figures;
}

const figures: BenchFigures = {
  bundles: await bundleSizes(),
  sandboxOnboarding: await sandboxOnboardings(),
  directorRequests: await directorCallsPerProfile(),
  fleet: await fleetGovernance(),
  polling: await orderPolling(),
  coldInit: await coldInit(),
};
if (JSON_OUTPUT) console.log(JSON.stringify(figures));
