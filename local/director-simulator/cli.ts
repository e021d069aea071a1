/**
 * Standalone Director simulator: `npm run director-sim -- --port 8089 --token <token>`.
 * Prints exactly one line (`Director simulator listening on <url> pool=<pool> logpoint=<lp>`) to
 * stdout and serves until SIGINT/SIGTERM. `--help` lists every flag; a bad flag exits with 2.
 */
import { CliUsageError, helpText, parseCliArgs } from './cli-args.js';
import type { CliCommand } from './cli-args.js';
import { startDirectorSimulator } from './index.js';

async function main(argv: readonly string[]): Promise<void> {
  let command: CliCommand;
  try {
    command = parseCliArgs(argv);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    process.stderr.write(`director-sim: ${error.message}\nRun with --help to list the flags.\n`);
    process.exit(2);
  }
  if (command.kind === 'help') {
    process.stdout.write(`${helpText()}\n`);
    return;
  }
  const logger = command.verbose ? (line: string): void => void process.stderr.write(`${line}\n`) : undefined;
  const simulator = await startDirectorSimulator({ ...command.options, ...(logger === undefined ? {} : { logger }) });
  command.applyFaults(simulator.faults);
  process.stdout.write(
    `Director simulator listening on ${simulator.baseUrl} pool=${simulator.poolUuid} logpoint=${simulator.logpointId}\n`,
  );
  // `on`, not `once`: a launcher such as npx or tsx may relay the same signal a second time, and
  // a second signal without a listener would kill the process before it has closed cleanly.
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    simulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`director-sim: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
