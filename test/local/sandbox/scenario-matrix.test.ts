import { describe, expect, it } from 'vitest';
import { DIRECTOR_PROFILES } from '../../../local/director-simulator/index.js';
import { matrixTable, runScenarioMatrix } from '../../../local/sandbox/scenario-matrix.js';
import { findScenario, type Scenario } from '../../../local/sandbox/scenarios.js';

/**
 * The sandbox scenarios whose ending depends on how Director answers — ids, list freshness,
 * read-backs, tokens, order paths — end as the README says under every Director profile. (The
 * whole set runs on the default profile in scenarios.test.ts; onboard, re-run, rotate and offboard
 * run under every profile in test/workflow/director-profiles.test.ts; `npm start -- --matrix`
 * runs every scenario against every profile.)
 */

const PROFILE_SENSITIVE = ['rerun-changed', 'not-owned', 'rotate-fails', 'offboard-unknown', 'order-fails'];

function scenario(name: string): Scenario {
  const found = findScenario(name);
  if (!found) throw new Error(`no scenario ${name}`);
  return found;
}

describe.each(PROFILE_SENSITIVE)('the "%s" scenario under every Director profile', (name) => {
  it('ends as the README says against each profile', async () => {
    // Act: quick waits and orders, as in the other workflow tests; the endings do not depend on them.
    const cells = await runScenarioMatrix([scenario(name)], Object.keys(DIRECTOR_PROFILES), {
      overrides: { waitMs: 1, director: { orderDelayMs: 20 } },
    });

    // Assess
    expect(cells).toHaveLength(Object.keys(DIRECTOR_PROFILES).length);
    // The table in the failure message says at a glance which profiles differ.
    expect({ table: matrixTable(cells), otherwise: cells.filter((cell) => !cell.ok) }).toMatchObject({ otherwise: [] });
  });
});

describe('matrixTable', () => {
  it('marks a combination that ended otherwise with what it ended in', () => {
    const table = matrixTable([
      { scenario: 'onboard', directorProfile: 'default', status: 'SUCCEEDED', errorCode: null, expected: 'SUCCEEDED', ok: true, directorRequests: 9 },
      { scenario: 'onboard', directorProfile: 'noisy', status: 'FAILED', errorCode: 'NOT_OWNED', expected: 'SUCCEEDED', ok: false, directorRequests: 4 },
    ]);

    expect(table).toEqual(['| scenario | expected | default | noisy |', '|---|---|---|---|', '| `onboard` | SUCCEEDED | ✔ | ✖ FAILED (NOT_OWNED) |']);
  });
});
