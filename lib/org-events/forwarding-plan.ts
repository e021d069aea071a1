import { RegionInfo } from 'aws-cdk-lib/region-info';
import { AccountEventRoutes, type AccountEventName } from '../../lambda/contract/account-events.js';
import type { ForwardFrom } from '../product/org-events-config.js';

/**
 * Where AWS emits the account lifecycle events of the product's contract, in the management
 * account, and so where a forwarder must listen:
 *
 * - **AWS Organizations, us-east-1.** Organizations sends its events to EventBridge only via
 *   CloudTrail (EventBridge events reference, "AWS Organizations events"), and "you can view all
 *   CloudTrail information for AWS Organizations only in the US East (N. Virginia) Region"
 *   (Organizations User Guide, "Logging API calls with AWS CloudTrail"). `CreateAccountResult` and
 *   `CloseAccountResult` arrive as `AWS Service Event via CloudTrail`, the
 *   `RemoveAccountFromOrganization` call as `AWS API Call via CloudTrail`.
 * - **AWS Control Tower, its home region.** Lifecycle events are non-API service events recorded by
 *   CloudTrail and delivered to EventBridge; the user guide's examples mark the event's `region` as
 *   "AWS Control Tower home region" (Control Tower User Guide, "Lifecycle events";
 *   awsdocs/aws-control-tower-guide doc_source/lifecycle-events.md).
 *
 * A source not listed here fails the synth, so a new route cannot be forwarded from a guessed region.
 */
const ORGANIZATIONS_REGION = 'us-east-1';

type EmittingRegion = (forwardFrom: ForwardFrom) => string | undefined;
const EMITTING_REGION: Record<string, EmittingRegion> = {
  'aws.organizations': () => ORGANIZATIONS_REGION,
  'aws.controltower': (forwardFrom) => forwardFrom.controlTowerHomeRegion,
};

export interface ForwardingPlanInput {
  /** The events the product has rules for (its AccountTriggers): exactly these are forwarded. */
  events: readonly AccountEventName[];
  forwardFrom: ForwardFrom;
  /** The product stack's account and region: its default event bus receives the events. */
  product: { account: string; region: string };
}

/** One forwarder: the management account's default bus in `region`, and the events it forwards. */
interface RegionForwarding {
  region: string;
  events: AccountEventName[];
}

export interface ForwardingPlan {
  managementAccountId: string;
  organizationId?: string;
  /** The forwarders to deploy in the management account, us-east-1 first; a region the product already lives in is left out. */
  regions: RegionForwarding[];
  /** The product's default event bus, the target of every forwarder. */
  targetEventBusArn: string;
  /** The `source` of every forwarded event (what the product's bus policy admits). */
  sources: string[];
  /** Whether the events cross accounts, so the product's bus needs a policy for the management account. */
  crossAccount: boolean;
}

/** Which events each forwarder forwards, and to which bus, from the product's rules and the config. */
export function planForwarding({ events, forwardFrom, product }: ForwardingPlanInput): ForwardingPlan {
  const wanted = new Set(events);
  const byRegion = new Map<string, AccountEventName[]>();
  // The contract's order, so the templates do not depend on the order rules were added in.
  for (const name of Object.keys(AccountEventRoutes) as AccountEventName[]) {
    if (!wanted.has(name)) continue;
    const region = emittingRegion(name, forwardFrom);
    if (region === undefined) continue;
    // The events already reach the product's bus where they are emitted: nothing to forward.
    if (forwardFrom.managementAccountId === product.account && region === product.region) continue;
    byRegion.set(region, [...(byRegion.get(region) ?? []), name]);
  }
  const regions = [...byRegion]
    .map(([region, regionEvents]) => ({ region, events: regionEvents }))
    .sort((a, b) => Number(b.region === ORGANIZATIONS_REGION) - Number(a.region === ORGANIZATIONS_REGION) || a.region.localeCompare(b.region));
  const sources = [...new Set(regions.flatMap((forwarding) => forwarding.events.flatMap((name) => AccountEventRoutes[name].pattern.source)))];
  return {
    managementAccountId: forwardFrom.managementAccountId,
    ...(forwardFrom.organizationId === undefined ? {} : { organizationId: forwardFrom.organizationId }),
    regions,
    targetEventBusArn: defaultEventBusArn(product.account, product.region),
    sources,
    crossAccount: forwardFrom.managementAccountId !== product.account,
  };
}

function emittingRegion(name: AccountEventName, forwardFrom: ForwardFrom): string | undefined {
  const sources: readonly string[] = AccountEventRoutes[name].pattern.source;
  const region = sources.length === 1 ? EMITTING_REGION[sources[0]!] : undefined;
  if (region === undefined) throw new Error(`No known region emits the ${name} events of ${sources.join(', ')}; add it to lib/org-events/forwarding-plan.ts.`);
  return region(forwardFrom);
}

/**
 * The default event bus of an account and region. Only the commercial partition: us-east-1, where
 * the Organizations events come from, is one of its regions (a table look-up in aws-cdk-lib, no AWS call).
 */
function defaultEventBusArn(account: string, region: string): string {
  const partition = RegionInfo.get(region).partition;
  if (partition !== 'aws') {
    throw new Error(
      `triggers.forwardFrom supports the aws partition, where AWS Organizations reports in ${ORGANIZATIONS_REGION}; ${region} is in ${partition ?? 'an unknown partition'}.`,
    );
  }
  return `arn:aws:events:${region}:${account}:event-bus/default`;
}
