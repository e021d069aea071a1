import { Command, CommanderError, Option } from 'commander';
import { OnboardingError } from '../../lambda/shared/errors.js';
import { cliOutput, ExitCode, type CliOutput, type CliStreams } from './io.js';
import { runPlan } from './plan-command.js';
import { runPreflight } from './preflight-command.js';
import { openAwsTarget, StackNotUsableError } from './aws-target.js';
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

export async function main(argv: readonly string[], streams: CliStreams = processStreams()): Promise<number> {
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

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    if (error instanceof StackNotUsableError) {
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
    const target = await openTarget(globals);
    try {
      return await command(target, out);
    } finally {
      await target.close();
    }
  }
}

function openTarget(globals: GlobalOptions): Promise<Target> {
  if (globals.target === 'sandbox') {
    if (globals.stack !== undefined) throw new UsageError('--stack is for --target aws.');
    return openSandboxTarget({ configFile: globals.config });
  }
  if (globals.stack === undefined) throw new UsageError('--target aws needs --stack <name>.');
  if (globals.config !== undefined) throw new UsageError('--config is for --target sandbox: a deployed stack runs with the config it was deployed with.');
  return openAwsTarget({ stack: globals.stack, region: globals.region, profile: globals.profile });
}

function processStreams(): CliStreams {
  return { stdout: process.stdout, stderr: process.stderr, interactive: process.stdout.isTTY === true };
}
