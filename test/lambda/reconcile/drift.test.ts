import { describe, expect, it } from 'vitest';
import { findDrift, type DriftInputs, type ProductSource } from '../../../lambda/reconcile/drift.js';

/**
 * Reconciliation's judgement on its own: each kind of drift from the smallest picture that shows
 * it, the repairs it asks for (only onboarding the uncollected, only offboarding the closed), and
 * the drift it clears once gone.
 */

const NOW = new Date('2026-12-01T12:00:00.000Z');
const HOURS_AGO = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000).toISOString();
const A = '200000000001';
const B = '200000000002';
const ORG = 'o-a1b2c3d4e5';

const source = (subject: string, lastLogReceived: string | null = HOURS_AGO(1)): ProductSource => ({
  subject,
  logSourceId: `LogSources/${subject}`,
  name: `CloudTrail-${subject}`,
  lastLogReceived,
});

function inputs(overrides: Partial<DriftInputs> = {}): DriftInputs {
  return {
    mode: 'per-account',
    organizationId: null,
    accounts: [
      { accountId: A, state: 'ACTIVE' },
      { accountId: B, state: 'ACTIVE' },
    ],
    admitted: [A, B],
    registry: [],
    sources: [source(A), source(B)],
    now: NOW,
    staleAfterHours: 24,
    ...overrides,
  };
}

describe('findDrift', () => {
  it('finds nothing when every admitted account has its own fresh source', () => {
    expect(findDrift(inputs())).toEqual({ findings: [], repairs: { onboard: [], offboard: [] }, cleared: [] });
  });

  it('reports an admitted ACTIVE account without a source as NOT_COLLECTED and asks for its onboarding', () => {
    const report = findDrift(inputs({ sources: [source(A)] }));

    expect(report.findings).toEqual([{ accountId: B, kinds: ['NOT_COLLECTED'], logSourceId: null, detail: expect.stringContaining('nothing collects') }]);
    expect(report.repairs).toEqual({ onboard: [B], offboard: [] });
  });

  it('leaves an account the filters do not admit alone, source or not', () => {
    expect(findDrift(inputs({ admitted: [A], sources: [source(A)] })).findings).toEqual([]);
  });

  it('reports a closed account whose source still exists as CLOSED_STILL_COLLECTED and asks for its offboarding', () => {
    const report = findDrift(
      inputs({
        accounts: [
          { accountId: A, state: 'ACTIVE' },
          { accountId: B, state: 'SUSPENDED' },
        ],
        admitted: [A],
      }),
    );

    expect(report.findings).toEqual([
      { accountId: B, kinds: ['CLOSED_STILL_COLLECTED'], logSourceId: `LogSources/${B}`, detail: expect.stringContaining('SUSPENDED') },
    ]);
    expect(report.repairs).toEqual({ onboard: [], offboard: [B] });
  });

  it('also offboards a closed account the registry still records as covered, and leaves an offboarded one be', () => {
    const closed = {
      accounts: [
        { accountId: A, state: 'ACTIVE' },
        { accountId: B, state: 'PENDING_CLOSURE' },
      ],
      admitted: [A],
      sources: [source(A)],
    };

    expect(findDrift(inputs({ ...closed, registry: [{ accountId: B, state: 'COVERED', drift: [] }] })).repairs.offboard).toEqual([B]);
    expect(findDrift(inputs({ ...closed, registry: [{ accountId: B, state: 'OFFBOARDED', drift: [] }] })).findings).toEqual([]);
  });

  it('reports a source for an account the organization does not list as SOURCE_WITHOUT_ACCOUNT, and repairs nothing', () => {
    const report = findDrift(inputs({ sources: [source(A), source(B), source('300000000009')] }));

    expect(report.findings).toEqual([expect.objectContaining({ accountId: '300000000009', kinds: ['SOURCE_WITHOUT_ACCOUNT'] })]);
    expect(report.repairs).toEqual({ onboard: [], offboard: [] });
  });

  it('reports a source whose last log is older than the limit as DATA_STOPPED, and one that never received a log once its record is that old', () => {
    const stale = findDrift(
      inputs({
        sources: [source(A, HOURS_AGO(25)), source(B, null)],
        registry: [{ accountId: B, state: 'REGISTERED_NO_DATA_YET', createdAt: HOURS_AGO(30), drift: [] }],
      }),
    );

    expect(stale.findings.map((finding) => [finding.accountId, finding.kinds])).toEqual([
      [A, ['DATA_STOPPED']],
      [B, ['DATA_STOPPED']],
    ]);
    expect(stale.repairs).toEqual({ onboard: [], offboard: [] });
    expect(findDrift(inputs({ sources: [source(A, HOURS_AGO(23)), source(B, null)] })).findings).toEqual([]);
  });

  it('clears the recorded drift of an account that has none any more', () => {
    expect(findDrift(inputs({ registry: [{ accountId: A, state: 'ONBOARDED', drift: ['NOT_COLLECTED'] }] })).cleared).toEqual([A]);
  });

  describe('in organization mode', () => {
    const organization = { mode: 'organization' as const, organizationId: ORG };

    it('counts an account as collected when the organization source exists and the registry records it COVERED', () => {
      const report = findDrift(inputs({ ...organization, sources: [source(ORG)], registry: [{ accountId: A, state: 'COVERED', drift: [] }] }));

      expect(report.findings.map((finding) => finding.accountId)).toEqual([B]);
      expect(report.repairs.onboard).toEqual([B]);
    });

    it('asks only for the organization source when it is missing: coverage runs would fail before it exists', () => {
      const report = findDrift(inputs({ ...organization, sources: [] }));

      expect(report.findings.map((finding) => finding.accountId)).toEqual([A, B, ORG]);
      expect(report.repairs.onboard).toEqual([ORG]);
      expect(report.findings.find((finding) => finding.accountId === ORG)?.kinds).toEqual(['NOT_COLLECTED']);
    });
  });
});
