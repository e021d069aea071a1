import { describe, expect, it } from 'vitest';
import { runFleetBench } from '../../bench/fleet-governance.js';

/**
 * The fleet bench (`npm run bench`, section 4) measures what issue 13 asks of the governor: a
 * fleet against a Director that allows the budget's rate finishes with no failure, no duplicate,
 * no 429, and Director at ≥ 90% of its limit while work remains. Smaller here than in the bench.
 */

const FLEET = { accounts: 200, callers: 30, requestsPerSecond: 10, maxConcurrentOrders: 5 };

describe('fleet bench', () => {
  it('runs a fleet through the governor with no failure, duplicate or 429, at ≥ 90% of Director’s limit, never over maxConcurrentOrders', async () => {
    // Act
    const result = await runFleetBench({ ...FLEET, governed: true });

    // Assess
    expect(result).toMatchObject({ accounts: 200, failed: 0, duplicates: 0, refused: 0, admitted: 7 * 200 });
    expect(result.rateUtilization).toBeGreaterThanOrEqual(0.9);
    expect(result.rateUtilization).toBeLessThanOrEqual(1);
    expect(result.peakConcurrentOrders).toBe(FLEET.maxConcurrentOrders);
  });

  it('sees Director refuse requests when the same fleet runs without the governor, and onboardings fail when more run at once', async () => {
    // Act
    const same = await runFleetBench({ ...FLEET, governed: false });
    const wider = await runFleetBench({ ...FLEET, callers: 50, governed: false });

    // Assess: the bench can tell a governed run from an ungoverned one.
    expect(same.refused).toBeGreaterThan(0);
    expect(wider.failures.DIRECTOR_UNAVAILABLE).toBeGreaterThan(0);
  });

  it('gives the same figures for the same seed (simulated time, seeded jitter)', async () => {
    // Act
    const first = await runFleetBench({ ...FLEET, accounts: 40, governed: true, seed: 7 });
    const second = await runFleetBench({ ...FLEET, accounts: 40, governed: true, seed: 7 });

    // Assess
    expect(second).toEqual(first);
  });
});
