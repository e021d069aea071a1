import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import './info-logs.js';

/**
 * `npm run faults`: the whole fault battery, then one summary line; exit 1 if any invariant broke
 * or any secret leaked. `-- --json` prints the per-fault table instead, `-- --fault <name>[,…]`
 * (or FAULT=…; `*` matches anything) runs only some. The faults are shared out over child
 * processes (`--workers`, default one per core, at most 4), each running its share one by one: a
 * fault swaps stdout and the S3 client for the process while it runs, so two never share one.
 */
const USAGE = 'Usage: npm run faults -- [--json] [--fault <name>[,<name>…]] [--workers <n>]\n';

// The sandbox's SDK clients warn about Node 20 on every start; nothing here may reach the output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.CDK_DISABLE_VERSION_CHECK = '1';

let values: { json?: boolean; fault?: string; workers?: string; shard?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      json: { type: 'boolean' },
      fault: { type: 'string' },
      workers: { type: 'string' },
      // Internal: run share <i>/<n> and print its reports as one JSON line.
      shard: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

// Loaded only now: the handlers' logger must see the INFO level set by info-logs.
const { catalogue } = await import('./catalogue.js');
const { isSelected, runFault, summarize, summaryLine } = await import('./runner.js');
type FaultReport = Awaited<ReturnType<typeof runFault>>;

const filter = values.fault ?? process.env.FAULT;
const faults = catalogue.filter((fault) => isSelected(fault.name, filter));

/** A share of the battery, run here: its reports go to stdout as one JSON line, for the parent. */
async function runOwnShare(share: string): Promise<void> {
  const [index, count] = share.split('/').map(Number);
  const reports: FaultReport[] = [];
  for (const [position, fault] of faults.entries()) if (position % (count ?? 1) === index) reports.push(await runFault(fault));
  process.stdout.write(`${JSON.stringify(reports)}\n`);
}

/** Runs one share in a child process of this same script (same loader flags, same environment). */
async function runShare(index: number, count: number): Promise<FaultReport[]> {
  const args = [...process.execArgv, fileURLToPath(import.meta.url), '--shard', `${index}/${count}`, ...(filter === undefined ? [] : ['--fault', filter])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const line = output.trim().split('\n').at(-1) ?? '';
  if (exitCode !== 0 || !line.startsWith('[')) throw new Error(`fault share ${index + 1}/${count} ended with exit code ${String(exitCode)} and no report`);
  return JSON.parse(line) as FaultReport[];
}

async function main(): Promise<number> {
  if (values.shard !== undefined) {
    await runOwnShare(values.shard);
    return 0;
  }
  if (faults.length === 0) {
    process.stderr.write(`No fault matches ${filter ?? ''}.\n`);
    return 2;
  }
  const workers = Math.max(1, Math.min(Number(values.workers ?? Math.min(availableParallelism(), 4)) || 1, faults.length));
  let reports: FaultReport[];
  try {
    const shares = await Promise.all(Array.from({ length: workers }, (_, index) => runShare(index, workers)));
    const byName = new Map(shares.flat().map((report) => [report.name, report]));
    reports = faults.flatMap((fault) => byName.get(fault.name) ?? []);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const summary = summarize(reports);
  process.stdout.write(values.json ? `${JSON.stringify({ summary, faults: reports }, null, 2)}\n` : `${summaryLine(summary)}\n`);
  return summary.broken > 0 || summary.leaks > 0 ? 1 : 0;
}

// No process.exit: it could cut off the report still being written to a pipe.
process.exitCode = await main();
