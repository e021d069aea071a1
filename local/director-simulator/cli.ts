/**
 * Standalone Director simulator: `npm run director-sim -- --port 8089 --token <token>`.
 * Prints exactly one line (`Director simulator listening on <url> pool=<pool> logpoint=<lp>`) to
 * stdout and serves until SIGINT/SIGTERM. `--help` lists every flag, `--list-profiles` the Director
 * profiles `--profile <name>` selects; a bad flag exits with 2.
 */
import { CliUsageError, helpText, parseCliArgs, profileListText } from './cli-args.js';
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
  if (command.kind === 'list-profiles') {
    process.stdout.write(`${profileListText()}\n`);
    return;
  }
  const logger = command.verbose ? (line: string): void => void process.stderr.write(`${line}\n`) : undefined;
  // The listeners go in before the line is printed: a caller may signal the moment it reads the
  // line, and a SIGTERM that arrives before any listener exists kills the process uncleanly.
  // `on`, not `once`: a launcher such as npx or tsx may relay the same signal a second time, and
  // a second signal without a listener would kill the process before it has closed cleanly.
  const starting = startDirectorSimulator({ ...command.options, ...(logger === undefined ? {} : { logger }) });
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    starting
      .then((simulator) => simulator.stop())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  const simulator = await starting;
  if (stopping) return;
  command.applyFaults(simulator.faults);
  process.stdout.write(`Director simulator listening on ${simulator.baseUrl} pool=${simulator.poolUuid} logpoint=${simulator.logpointId}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`director-sim: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
