import { afterAll, expect, it } from 'vitest';
import type { Fault } from './fault-types.js';
import { restoreLogLevel } from './info-logs.js';
import { describeReport, isSelected, runFault } from './runner.js';

/**
 * One test per fault: inject it, run, check every invariant after the faulty run and after a
 * clean repair run, and search everything printed or published for secrets. Run one fault alone
 * with `FAULT=<name> npx vitest run test/faults` (`*` matches anything) or with `-t <name>`.
 * Call it inside the test file's `describe`.
 */
export function faultBattery(faults: readonly Fault[]): void {
  afterAll(() => {
    restoreLogLevel();
  });

  for (const fault of faults) {
    it.skipIf(!isSelected(fault.name))(
      `${fault.name}: ${fault.injected} (at ${fault.step}) leaves a consistent account, leaks no secret, and a clean re-run repairs it`,
      async () => {
        // Prepare, Act: runFault starts the sandbox, injects the fault and runs the workflows.
        const report = await runFault(fault);

        // Assess
        expect(report.invariants.broken, `${describeReport(report)}`).toEqual([]);
        expect(report.leaks, `${describeReport(report)}`).toEqual([]);
      },
    );
  }
}
