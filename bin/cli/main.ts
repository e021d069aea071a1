import { Command, CommanderError, Option } from 'commander';
import { OnboardingError } from '../../lambda/shared/errors.js';
import { cliOutput, ExitCode, type CliOutput, type CliStreams } from './io.js';
import { fileURLToPath } from 'node:url';
import { runPlan } from './plan-command.js';
import { runPreflight } from './preflight-command.js';
import { runRotate } from './rotate-command.js';
import { runOffboard, runOnboard } from './run-commands.js';
import { runStatus } from './status-command.js';
import { openAwsTarget, StackNotUsableError } from './aws-target.js';
import { resetSandboxStore, SandboxBusyError } from './sandbox-store.js';
import { openSandboxTarget } from './sandbox-target.js';
import { UsageError, type Target } from './target.js';

/**
 * `logpoint-onboard`: the operator's tool (README "Operating it"). Every command takes `--json`
 * (one JSON document on stdout, people's lines on stderr) and exits 0 on success, 1 when the
 * operation failed and 2 on a wrong command line.
 */

interface GlobalOptions {
  target: 'sandbox' | 'aws';
  config?: string;
  stack?: string;
  region?: string;
  profile?: string;
  json?: boolean;
}

/** Where the sandbox target keeps its state between commands: `.sandbox/` in the repository, or LOGPOINT_ONBOARD_SANDBOX_DIR. */
const SANDBOX_DIRECTORY_VARIABLE = 'LOGPOINT_ONBOARD_SANDBOX_DIR';

export interface CliEnvironment {
  /** @default process.env.LOGPOINT_ONBOARD_SANDBOX_DIR, else `.sandbox/` at the repository's root */
  sandboxDirectory?: string;
}

export async function main(argv: readonly string[], streams: CliStreams = processStreams(), environment: CliEnvironment = {}): Promise<number> {
  const sandboxDirectory =
    environment.sandboxDirectory ?? process.env[SANDBOX_DIRECTORY_VARIABLE] ?? fileURLToPath(new URL('../../.sandbox/', import.meta.url));
  let exitCode: number = ExitCode.ok;
  const program = new Command('logpoint-onboard')
    .description("Onboard an AWS organization's CloudTrail logs into Logpoint: check, onboard, follow.")
    .addOption(new Option('--target <target>', 'where to work: the local sandbox, or a deployed stack').choices(['sandbox', 'aws']).default('sandbox'))
    .option('--config <file>', 'sandbox: JSON config overrides laid over the sandbox config (same format as config/example.json)')
    .option('--stack <name>', 'aws: the deployed stack (found through its outputs)')
    .option('--region <region>', 'aws: the stack region (default: the AWS SDK default)')
    .option('--profile <profile>', 'aws: a profile of the shared AWS config (default: the default credential chain)')
    .option('--json', 'print one JSON document on stdout (and everything else on stderr)')
    .exitOverride()
    .configureOutput({ writeOut: (text) => void streams.stdout.write(text), writeErr: (text) => void streams.stderr.write(text) });

  program
    .command('preflight')
    .description('run every check that can fail an onboarding (Director, its catalogues, the trail bucket), creating nothing')
    .option('--account <id>', 'the account (or organization id) whose logs to look for; default: what a deployment onboards')
    .action(async (options: { account?: string }) => {
      exitCode = await withTarget(program, (target, out) => runPreflight(target, out, options));
    });

  program
    .command('plan')
    .description('show what an onboarding would change per account (IAM, secret, Director POST or PUT with its body), changing nothing')
    .option('--account <id...>', 'the accounts (or organization id) to plan for; default: what a deployment onboards')
    .option('--all', 'every ACTIVE account of the organization the fleet filters admit')
    .action(async (options: { account?: string[]; all?: boolean }) => {
      exitCode = await withTarget(program, (target, out) => runPlan(target, out, options));
    });

  program
    .command('onboard')
    .description("start onboardings through the stack's starter (one run per account) and, with --wait, follow them to their end")
    .option('--account <id...>', 'the accounts (or organization id) to onboard; default: what a deployment onboards')
    .option('--all', 'every ACTIVE account of the organization the fleet filters admit')
    .option('--wait', 'follow the runs with a live per-account view until all have ended')
    .action(async (options: { account?: string[]; all?: boolean; wait?: boolean }) => {
      exitCode = await withTarget(program, (target, out) => runOnboard(target, out, options));
    });

  program
    .command('status')
    .description('the account registry as a table, and per account the timeline of its runs')
    .option('--account <id>', 'one account, with its timeline')
    .option('--failed', 'only the accounts whose last run failed')
    .action(async (options: { account?: string; failed?: boolean }) => {
      exitCode = await withTarget(program, (target, out) => runStatus(target, out, options));
    });

  program
    .command('rotate')
    .description("rotate an account's reader key now (the rotation the schedule runs) and follow it")
    .requiredOption('--account <id>', 'the account whose key to rotate')
    .action(async (options: { account: string }) => {
      exitCode = await withTarget(program, (target, out) => runRotate(target, out, options));
    });

  program
    .command('offboard')
    .description("stop collecting an account's logs: its log source, reader and secret removed by the offboarding workflow")
    .requiredOption('--account <id...>', 'the accounts to offboard')
    .option('--wait', 'follow the runs until all have ended')
    .action(async (options: { account: string[]; wait?: boolean }) => {
      exitCode = await withTarget(program, (target, out) => runOffboard(target, out, options));
    });

  program
    .command('sandbox')
    .description("the sandbox target's own state")
    .command('reset')
    .description(`forget the sandbox's state (${sandboxDirectory}): the next command starts a new sandbox`)
    .action(async () => {
      const globals = program.opts<GlobalOptions>();
      if (globals.target !== 'sandbox') throw new UsageError('sandbox reset is for --target sandbox.');
      const out = cliOutput(streams, globals.json === true);
      const existed = await resetSandboxStore(sandboxDirectory);
      out.say(
        existed ? `The sandbox in ${sandboxDirectory} is reset: the next command starts a new one.` : `There was no sandbox state in ${sandboxDirectory}.`,
      );
      out.result({ target: 'sandbox', reset: true, hadState: existed, directory: sandboxDirectory });
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    if (error instanceof StackNotUsableError || error instanceof SandboxBusyError) {
      streams.stderr.write(`logpoint-onboard: ${error.message}\n`);
      return ExitCode.failed;
    }
    if (error instanceof UsageError) {
      streams.stderr.write(`logpoint-onboard: ${error.message}\n`);
      return ExitCode.usage;
    }
    const message = error instanceof OnboardingError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
    streams.stderr.write(`logpoint-onboard: ${message}\n`);
    return ExitCode.failed;
  }

  /** Opens the target the global options name, runs `command` against it, and closes it again. */
  async function withTarget(root: Command, command: (target: Target, out: CliOutput) => Promise<number>): Promise<number> {
    const globals = root.opts<GlobalOptions>();
    const out = cliOutput(streams, globals.json === true);
    const target = await openTarget(globals, sandboxDirectory);
    try {
      return await command(target, out);
    } finally {
      await target.close();
    }
  }
}

function openTarget(globals: GlobalOptions, sandboxDirectory: string): Promise<Target> {
  if (globals.target === 'sandbox') {
    if (globals.stack !== undefined) throw new UsageError('--stack is for --target aws.');
    return openSandboxTarget({ configFile: globals.config, stateDirectory: sandboxDirectory });
  }
  if (globals.stack === undefined) throw new UsageError('--target aws needs --stack <name>.');
  if (globals.config !== undefined) throw new UsageError('--config is for --target sandbox: a deployed stack runs with the config it was deployed with.');
  return openAwsTarget({ stack: globals.stack, region: globals.region, profile: globals.profile });
}

function processStreams(): CliStreams {
  return { stdout: process.stdout, stderr: process.stderr, interactive: process.stdout.isTTY === true };
}
