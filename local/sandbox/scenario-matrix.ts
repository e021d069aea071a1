import { startSandbox, type SandboxOptions } from './environment.js';
import { playScenario, scenarioSandboxOptions, type Scenario } from './scenarios.js';

/** One scenario run against one Director profile, and whether it ended as the scenario says. */
export interface MatrixCell {
  scenario: string;
  directorProfile: string;
  status: 'SUCCEEDED' | 'FAILED';
  errorCode: string | null;
  expected: string;
  ok: boolean;
  /** Director requests the scenario's runs made (token refreshes and order polls included). */
  directorRequests: number;
}

/** What a scenario is expected to end in, as the README's table writes it: `SUCCEEDED` or `FAILED (CODE)`. */
function expectedEnd(scenario: Scenario): string {
  return scenario.expected === 'FAILED' ? `FAILED (${scenario.expectedError ?? 'any code'})` : 'SUCCEEDED';
}

/**
 * Runs every scenario against every profile, each in a sandbox of its own (exactly what
 * `npm start -- --scenario <s> --director-profile <p>` does), one after another: the sandboxes
 * share the process, and one at a time keeps each run's timing what it is on its own.
 */
export async function runScenarioMatrix(
  scenarios: readonly Scenario[],
  profiles: readonly string[],
  options: { overrides?: SandboxOptions; onCell?: (cell: MatrixCell) => void } = {},
): Promise<MatrixCell[]> {
  const cells: MatrixCell[] = [];
  for (const scenario of scenarios) {
    for (const directorProfile of profiles) {
      const base = scenarioSandboxOptions(scenario, directorProfile) ?? {};
      const sandbox = await startSandbox({ ...base, ...options.overrides, director: { ...base.director, ...options.overrides?.director } });
      try {
        const runs = await playScenario(scenario, sandbox);
        const last = runs.at(-1);
        const status = last?.status === 'SUCCEEDED' ? 'SUCCEEDED' : 'FAILED';
        const errorCode = last?.error?.code ?? null;
        const ok = status === scenario.expected && (status === 'SUCCEEDED' || scenario.expectedError === undefined || errorCode === scenario.expectedError);
        const cell = {
          scenario: scenario.name,
          directorProfile,
          status,
          errorCode,
          expected: expectedEnd(scenario),
          ok,
          directorRequests: sandbox.director.requests.length,
        } satisfies MatrixCell;
        cells.push(cell);
        options.onCell?.(cell);
      } finally {
        await sandbox.stop();
      }
    }
  }
  return cells;
}

/** The matrix as a Markdown table: a row per scenario, a column per profile, ✔ or what it ended in instead. */
export function matrixTable(cells: readonly MatrixCell[]): string[] {
  const profiles = [...new Set(cells.map((cell) => cell.directorProfile))];
  const scenarioNames = [...new Set(cells.map((cell) => cell.scenario))];
  const lines = [`| scenario | expected | ${profiles.join(' | ')} |`, `|---|---|${profiles.map(() => '---').join('|')}|`];
  for (const name of scenarioNames) {
    const row = cells.filter((cell) => cell.scenario === name);
    const marks = profiles.map((profile) => {
      const cell = row.find((candidate) => candidate.directorProfile === profile);
      if (!cell) return '–';
      return cell.ok ? '✔' : `✖ ${cell.status}${cell.errorCode ? ` (${cell.errorCode})` : ''}`;
    });
    lines.push(`| \`${name}\` | ${row[0]?.expected ?? ''} | ${marks.join(' | ')} |`);
  }
  return lines;
}
