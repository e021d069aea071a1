import { parseArgs } from 'node:util';
import { collectionNotices } from '../../lib/product/collection-config.js';
import { SANDBOX_ACCOUNT_ID } from './constants.js';
import { findScenario, playScenario, scenarioSandboxOptions, scenarios } from './scenarios.js';
import type { FleetScenarioParameters } from './fleet-scenario.js';

/**
 * `npm start`: one complete onboarding in the local sandbox (or another scenario), printed as it
 * happens. Contract: `--json` ends the output with one JSON summary line; a failing run exits 1.
 */
const USAGE = `Usage: npm start -- [--scenario <name>] [--director-profile <name>] [--json] [--verbose]
       npm start -- --scenario fleet [--accounts N] [--director-rate R] [--json]
       npm start -- --matrix [--scenario <name>] [--director-profile <name>] [--json]

Runs the real onboarding state machine (synthesized from the CDK app) against a simulated AWS
account and the Director simulator, printing each state as it is entered and left.

Options:
  --scenario <name>  which scenario to run (default: onboard)
  --director-profile <name>
                     which plausible Director the simulator plays (default: default);
                     npm run director-sim -- --list-profiles lists them
  --json             end with one line of JSON: the summary (no secret is ever in it)
  --verbose          also print the Lambda handlers' structured logs
  --accounts N       the fleet scenario: member accounts to onboard (default 25, at most 1000)
  --director-rate R  the fleet scenario: Director's limit in requests per second (429 above it)
  --matrix           run every scenario against every Director profile (or the one named) and
                     print which ended as expected; exits 1 if any did not
  --list             list the scenarios and exit
  --help             show this help

Scenarios:
${scenarios.map((scenario) => `  ${scenario.name.padEnd(16)} ${scenario.summary}`).join('\n')}
`;

async function main(): Promise<number> {
  let values: {
    scenario?: string;
    'director-profile'?: string;
    json?: boolean;
    verbose?: boolean;
    help?: boolean;
    list?: boolean;
    matrix?: boolean;
    accounts?: string;
    'director-rate'?: string;
  };
  try {
    ({ values } = parseArgs({
      options: {
        scenario: { type: 'string', short: 's' },
        'director-profile': { type: 'string' },
        json: { type: 'boolean' },
        verbose: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
        list: { type: 'boolean' },
        matrix: { type: 'boolean' },
        accounts: { type: 'string' },
        'director-rate': { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.list) {
    process.stdout.write(`${scenarios.map((scenario) => scenario.name).join('\n')}\n`);
    return 0;
  }
  const fleet = fleetParameters(values.accounts, values['director-rate']);
  if (typeof fleet === 'string') {
    process.stderr.write(`${fleet}\n\n${USAGE}`);
    return 2;
  }
  const scenario = findScenario(values.scenario ?? 'onboard', fleet);
  if (!scenario) {
    process.stderr.write(`Unknown scenario "${values.scenario}". Known: ${scenarios.map((s) => s.name).join(', ')}\n`);
    return 2;
  }

  const profile = values['director-profile'];
  const { DIRECTOR_PROFILES } = await import('../director-simulator/index.js');
  if (profile !== undefined && !Object.hasOwn(DIRECTOR_PROFILES, profile)) {
    process.stderr.write(`Unknown Director profile "${profile}". Known: ${Object.keys(DIRECTOR_PROFILES).join(', ')}\n`);
    return 2;
  }

  // The handlers' logger reads its level when first imported: set it before loading them.
  process.env.POWERTOOLS_LOG_LEVEL = values.verbose ? 'INFO' : 'SILENT';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  if (values.matrix) {
    return runMatrix(
      values.scenario === undefined ? scenarios : [scenario],
      profile === undefined ? Object.keys(DIRECTOR_PROFILES) : [profile],
      values.json === true,
    );
  }
  const { startSandbox } = await import('./environment.js');
  const { createProgressPrinter, humanSummary, summarize } = await import('./report.js');

  const print = (line: string): void => void process.stdout.write(`${line}\n`);
  print(`Scenario "${scenario.name}": ${scenario.summary}`);
  print('Starting the sandbox: simulated AWS account, S3 (s3rver), Director simulator, synthesized state machine…');
  const sandbox = await startSandbox(scenarioSandboxOptions(scenario, profile));
  try {
    print(`Director simulator (profile ${profile ?? 'default'}) at ${sandbox.director.baseUrl}; account ${scenario.accountId ?? SANDBOX_ACCOUNT_ID}.`);
    for (const notice of collectionNotices(sandbox.config)) print(`Note: collection.mode is ${notice}`);
    print('');
    const runs = await playScenario(scenario, sandbox, { onEvent: createProgressPrinter(print), say: (line) => print(`\n${line}`) });
    const summary = await summarize(scenario, sandbox, runs, scenario.accountId ?? SANDBOX_ACCOUNT_ID);
    for (const line of humanSummary(summary)) print(line);
    if (values.json) print(JSON.stringify({ ...summary, directorProfile: profile ?? 'default' }));
    return summary.status === 'SUCCEEDED' ? 0 : 1;
  } finally {
    await sandbox.stop();
  }
}

/** `--accounts N` and `--director-rate R` of the fleet scenario, or what is wrong with them. */
function fleetParameters(accounts: string | undefined, rate: string | undefined): FleetScenarioParameters | string {
  const parameters: FleetScenarioParameters = {};
  if (accounts !== undefined) {
    if (!/^\d+$/.test(accounts) || Number(accounts) < 1 || Number(accounts) > 1000)
      return `--accounts must be a whole number from 1 to 1000, got "${accounts}"`;
    parameters.accounts = Number(accounts);
  }
  if (rate !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(rate) || Number(rate) <= 0) return `--director-rate must be a positive number of requests per second, got "${rate}"`;
    parameters.directorRate = Number(rate);
  }
  return parameters;
}

/** `--matrix`: scenarios × profiles, a line per combination as it ends, then the table (or one JSON line). */
async function runMatrix(chosen: typeof scenarios, profiles: string[], json: boolean): Promise<number> {
  const { matrixTable, runScenarioMatrix } = await import('./scenario-matrix.js');
  const print = (line: string): void => void process.stdout.write(`${line}\n`);
  print(`Running ${chosen.length} scenario(s) against ${profiles.length} Director profile(s), each in a fresh sandbox…`);
  const cells = await runScenarioMatrix(chosen, profiles, {
    onCell: (cell) =>
      print(
        `${cell.ok ? '✔' : '✖'} ${cell.scenario} × ${cell.directorProfile}: ${cell.status}${cell.errorCode ? ` (${cell.errorCode})` : ''}, expected ${cell.expected}`,
      ),
  });
  const failed = cells.filter((cell) => !cell.ok).length;
  print('');
  for (const line of matrixTable(cells)) print(line);
  print(`\n${cells.length - failed} of ${cells.length} combinations ended as expected.`);
  if (json) print(JSON.stringify({ ok: failed === 0, combinations: cells.length, failed, cells }));
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`Sandbox error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
