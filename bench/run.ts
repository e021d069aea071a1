import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

/**
 * `npm run bench`: the figures behind any performance statement about the product.
 * 1. Size of each Lambda bundle as the construct builds it (minified ESM, AWS SDK external).
 * 2. Wall time of complete onboardings in the local sandbox (median and spread over several runs).
 * 3. Director requests of one creating onboarding, per simulator profile.
 * 4. Director rate governance: a fleet of onboardings against a rate-limited Director on a
 *    simulated clock (bench/fleet-governance.ts); these figures do not depend on the machine.
 * Numbers of 1 and 2 depend on the machine; compare runs on the same machine only.
 */
const LAMBDA_DIR = path.join(import.meta.dirname, '..', 'lambda');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const FLEET_ACCOUNTS = Number(process.env.BENCH_FLEET_ACCOUNTS ?? 1000);

async function bundleSizes(): Promise<void> {
  console.log('Lambda bundle sizes (minified, @aws-sdk/* and undici external):');
  const entryPoints = readdirSync(LAMBDA_DIR, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.handler.ts'))
    .sort();
  for (const file of entryPoints) {
    const result = await build({
      entryPoints: [path.join(LAMBDA_DIR, file)],
      bundle: true,
      minify: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      mainFields: ['module', 'main'],
      external: ['@aws-sdk/*', 'undici'],
      write: false,
    });
    const bytes = result.outputFiles.reduce((sum, output) => sum + output.contents.byteLength, 0);
    console.log(`  ${file.padEnd(40)} ${(bytes / 1024).toFixed(1).padStart(7)} KiB`);
  }
}

async function sandboxOnboardings(): Promise<void> {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const { startSandbox } = await import('../local/sandbox/environment.js');
  const started = performance.now();
  const sandbox = await startSandbox({ waitMs: 20, director: { orderDelayMs: 50 } });
  console.log(`\nSandbox start (s3rver, simulator, synth): ${(performance.now() - started).toFixed(0)} ms`);
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
    console.log(
      `Onboarding in the sandbox, ${RUNS} runs (first creates, the rest edit): median ${median.toFixed(0)} ms, ` +
        `min ${(times[0] ?? 0).toFixed(0)} ms, max ${(times.at(-1) ?? 0).toFixed(0)} ms`,
    );
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
 * poll counts are each order's minimum (one look) and the figures do not depend on timing.
 */
async function directorCallsPerProfile(): Promise<void> {
  const { startSandbox } = await import('../local/sandbox/environment.js');
  const { DIRECTOR_PROFILES } = await import('../local/director-simulator/index.js');
  console.log('\nDirector requests of one creating onboarding, per profile (orders finish at once):');
  for (const profile of Object.keys(DIRECTOR_PROFILES)) {
    // One data-plane look (deadline 0): its reads are counted apart from the registration's calls.
    const sandbox = await startSandbox({ waitMs: 1, director: { profile, orderDelayMs: 0 }, config: { dataFlow: { deadlineSeconds: 0 } } });
    try {
      const result = await sandbox.run({ accountId: '111122223333' });
      if (result.status !== 'SUCCEEDED') throw new Error(`the onboarding failed under ${profile}: ${result.error?.code}`);
      const counts = requestKinds(sandbox.director.requests);
      const detail = [...counts].map(([kind, count]) => `${kind} ${count}`).join(', ');
      const lookups = counts.get('list') ?? 0;
      console.log(`  ${profile.padEnd(22)} ${String(sandbox.director.requests.length).padStart(3)} requests, ${lookups} lookup(s): ${detail}`);
    } finally {
      await sandbox.stop();
    }
  }
}

/**
 * The fleet of issue 13: many creating onboardings at once against a Director that allows the
 * budget's rate, with the governor (every client shares the token bucket and the order slots)
 * and, for comparison, without (each client paces only itself through its retries on 429; the
 * workflow's own Retry is not simulated, so a call that runs out of retries fails its onboarding).
 */
async function fleetGovernance(): Promise<void> {
  const { runFleetBench } = await import('./fleet-governance.js');
  const fleet = { accounts: FLEET_ACCOUNTS, callers: 50, requestsPerSecond: 10, maxConcurrentOrders: 10 };
  console.log(
    `\nDirector rate governance, simulated clock: ${fleet.accounts} creating onboardings of 7 Director requests each, ${fleet.callers} at a time, ` +
      `Director limited to ${fleet.requestsPerSecond} requests/s (sliding 1 s window, 429 + Retry-After above it), maxConcurrentOrders ${fleet.maxConcurrentOrders}:`,
  );
  const columns = ['accounts', 'failed', 'duplicates', 'admitted', '429s', 'rateUtilization', 'peak orders', 'simulated s'];
  console.log(`  ${'run'.padEnd(34)}${columns.map((column) => column.padStart(16)).join('')}`);
  for (const [label, governed] of [
    ['governor (shared budget)', true],
    ['no governor (own retries only)', false],
  ] as const) {
    const result = await runFleetBench({ ...fleet, governed });
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
    console.log(`  ${label.padEnd(34)}${cells.map((cell) => String(cell).padStart(16)).join('')}`);
  }
  console.log(
    '  rateUtilization = requests Director admitted ÷ (limit × T), T = simulated seconds from the start (every onboarding queued) to the last admitted request, plus one interval (1/limit).\n' +
      '  duplicates = requests admitted a second time for the same logical call (account, method, path); failed = onboardings that ended with an error.',
  );
}

await bundleSizes();
await sandboxOnboardings();
await directorCallsPerProfile();
await fleetGovernance();
