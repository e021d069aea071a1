import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

/**
 * `npm run bench`: the figures behind any performance statement about the product.
 * 1. Size of each Lambda bundle as the construct builds it (minified ESM, AWS SDK external).
 * 2. Wall time of complete onboardings in the local sandbox (median and spread over several runs).
 * Numbers depend on the machine; compare runs on the same machine only.
 */
const LAMBDA_DIR = path.join(import.meta.dirname, '..', 'lambda');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

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

await bundleSizes();
await sandboxOnboardings();
await directorCallsPerProfile();
