import { DriftKind, RegistryState } from '../contract/account-registry.js';
import { CollectionMode, isOrganizationSubject } from '../contract/collection.js';

/**
 * Reconciliation's judgement, a pure function of what it read: the organization's accounts, the
 * account registry, the product's own sources in Director, and the time. Sources this product did
 * not create never reach it (inventory.ts keeps only those carrying its ownership marker), so
 * nothing it concludes can touch them.
 */

export interface OrganizationAccount {
  accountId: string;
  /** AWS Organizations' State (ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED). */
  state: string;
}

export interface ProductSource {
  /** The account (or organization) its ownership marker names. */
  subject: string;
  logSourceId: string;
  name: string;
  lastLogReceived: string | null;
}

interface RegistryView {
  accountId: string;
  state?: string | undefined;
  createdAt?: string | undefined;
  /** The drift the last reconciliation recorded; cleared once it is gone. */
  drift: readonly string[];
}

export interface DriftInputs {
  mode: CollectionMode;
  organizationId: string | null;
  accounts: readonly OrganizationAccount[];
  /** The ACTIVE accounts the fleet's filters admit: those that should be collected. */
  admitted: readonly string[];
  registry: readonly RegistryView[];
  sources: readonly ProductSource[];
  now: Date;
  staleAfterHours: number;
}

interface DriftFinding {
  accountId: string;
  kinds: DriftKind[];
  logSourceId: string | null;
  detail: string;
}

export interface DriftReport {
  findings: DriftFinding[];
  /** Subjects to onboard (nothing collects them) and accounts to offboard (closed, still collected). */
  repairs: { onboard: string[]; offboard: string[] };
  /** Registry items whose recorded drift is gone. */
  cleared: string[];
}

const COLLECTED_STATES: readonly string[] = [RegistryState.ONBOARDED, RegistryState.COVERED, RegistryState.REGISTERED_NO_DATA_YET];

export function findDrift(inputs: DriftInputs): DriftReport {
  const registry = new Map(inputs.registry.map((item) => [item.accountId, item]));
  const accounts = new Map(inputs.accounts.map((account) => [account.accountId, account]));
  const sources = new Map<string, ProductSource>();
  for (const source of inputs.sources) sources.set(source.subject, source);
  const findings = new Map<string, DriftFinding>();
  const note = (accountId: string, kind: DriftKind, detail: string, logSourceId: string | null = sources.get(accountId)?.logSourceId ?? null) => {
    const finding = findings.get(accountId) ?? { accountId, kinds: [], logSourceId, detail: '' };
    finding.kinds.push(kind);
    finding.detail = finding.detail === '' ? detail : `${finding.detail} ${detail}`;
    findings.set(accountId, finding);
  };
  const repairs = { onboard: [] as string[], offboard: [] as string[] };

  const organizationSubject = inputs.mode === CollectionMode.Organization ? inputs.organizationId : null;
  if (organizationSubject !== null && !sources.has(organizationSubject)) {
    note(organizationSubject, DriftKind.NOT_COLLECTED, `Organization ${organizationSubject} has no log source of this product's in Director.`);
    repairs.onboard.push(organizationSubject);
  }
  // An account's coverage run fails while the organization source is missing: it comes first, the accounts at the next reconciliation.
  const organizationSourceMissing = organizationSubject !== null && !sources.has(organizationSubject);
  for (const accountId of inputs.admitted) {
    if (isCollected(accountId, organizationSubject, sources, registry)) continue;
    note(accountId, DriftKind.NOT_COLLECTED, `Account ${accountId} is ACTIVE and admitted by the fleet filters, but nothing collects its logs.`);
    if (!organizationSourceMissing) repairs.onboard.push(accountId);
  }
  for (const account of inputs.accounts) {
    if (account.state === 'ACTIVE') continue;
    const own = sources.get(account.accountId);
    const recorded = registry.get(account.accountId)?.state ?? null;
    if (own === undefined && (recorded === null || !COLLECTED_STATES.includes(recorded))) continue;
    note(
      account.accountId,
      DriftKind.CLOSED_STILL_COLLECTED,
      `Account ${account.accountId} is ${account.state} in AWS Organizations, but ${own ? `log source ${own.logSourceId} still collects it` : `the registry still records it ${recorded}`}.`,
    );
    repairs.offboard.push(account.accountId);
  }
  const staleBefore = inputs.now.getTime() - inputs.staleAfterHours * 3_600_000;
  for (const source of inputs.sources) {
    if (!isOrganizationSubject(source.subject) && !accounts.has(source.subject)) {
      note(
        source.subject,
        DriftKind.SOURCE_WITHOUT_ACCOUNT,
        `Log source ${source.logSourceId} (${source.name}) is for account ${source.subject}, which the organization does not list.`,
      );
    }
    const since = source.lastLogReceived ?? registry.get(source.subject)?.createdAt ?? null;
    if (since !== null && Date.parse(since) < staleBefore) {
      note(
        source.subject,
        DriftKind.DATA_STOPPED,
        source.lastLogReceived === null
          ? `Log source ${source.logSourceId} has received no log since it was recorded at ${since}.`
          : `Log source ${source.logSourceId} last received a log at ${source.lastLogReceived}, more than ${inputs.staleAfterHours} h ago.`,
        source.logSourceId,
      );
    }
  }
  const cleared = inputs.registry.filter((item) => item.drift.length > 0 && !findings.has(item.accountId)).map((item) => item.accountId);
  const ordered = [...findings.values()].sort((a, b) => a.accountId.localeCompare(b.accountId));
  return { findings: ordered, repairs: { onboard: repairs.onboard.sort(), offboard: repairs.offboard.sort() }, cleared: cleared.sort() };
}

/** An account's own source, or (organization mode) the organization's source and a recorded COVERED. */
function isCollected(accountId: string, organizationSubject: string | null, sources: Map<string, ProductSource>, registry: Map<string, RegistryView>): boolean {
  if (sources.has(accountId)) return true;
  return organizationSubject !== null && sources.has(organizationSubject) && registry.get(accountId)?.state === RegistryState.COVERED;
}
