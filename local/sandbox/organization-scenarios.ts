import { buildTrailObjects } from '../aws/cloudtrail-fixtures.js';
import { SANDBOX_ACCOUNT_ID, SANDBOX_ORGANIZATION_ID, SANDBOX_REGION } from './constants.js';
import type { Sandbox } from './environment.js';
import type { Scenario, ScenarioContext } from './scenario-types.js';
import type { ExecutionEvent, LocalRunResult } from './state-machine-runner.js';

/** Another member account of the organization trail; its id sorts first, so a walk of AWSLogs/<o-id>/ reaches it first. */
const SIBLING_ACCOUNT_ID = '000011112222';
/** The member accounts of the `org-source` organization. */
const MEMBER_ACCOUNT_IDS = [SANDBOX_ACCOUNT_ID, '222233334444', '555566667777'];
/** The account AWS Organizations creates in `new-account-covered`. */
const NEW_ACCOUNT_ID = '777788889999';
/** The configuration that chooses one source per account on an organization trail, with the flag it needs. */
const PER_ACCOUNT_ON_ORGANIZATION_TRAIL = { collection: { mode: 'per-account', perAccountOnOrganizationTrail: true } };

/** The deploy-time onboarding of the organization's one source. */
const deployOnboarding = (onboard: ScenarioContext['onboard']) => onboard({ accountId: SANDBOX_ORGANIZATION_ID, trigger: 'cdk deploy' });

/** The scenarios of organization trails: both collection modes, Control Tower, and what a per-account reader meets there. */
export const organizationScenarios: Scenario[] = [
  {
    name: 'org-trail',
    summary:
      `Organization trail under a custom prefix (logs in org-trail/AWSLogs/${SANDBOX_ORGANIZATION_ID}/<account>/), collected per account ` +
      '(collection.mode "per-account" with perAccountOnOrganizationTrail): the reader reads only its own account\'s folder.',
    expected: 'SUCCEEDED',
    sandbox: {
      trail: { layout: 'organization', organizationId: SANDBOX_ORGANIZATION_ID, prefix: 'org-trail' },
      config: PER_ACCOUNT_ON_ORGANIZATION_TRAIL,
    },
  },
  {
    name: 'fetch-refused',
    summary:
      `A per-account reader on an organization bucket, and a fetcher that walks down from AWSLogs/: the walk into account ${SIBLING_ACCOUNT_ID}'s folder ` +
      'is refused, and the run fails with FETCH_FAILED naming that listing; Director keeps the key it holds.',
    expected: 'FAILED',
    expectedError: 'FETCH_FAILED',
    sandbox: {
      trail: { layout: 'organization', organizationId: SANDBOX_ORGANIZATION_ID, accountIds: [SIBLING_ACCOUNT_ID, SANDBOX_ACCOUNT_ID] },
      config: PER_ACCOUNT_ON_ORGANIZATION_TRAIL,
      fetcher: { strategy: 'walk-from-awslogs' },
    },
  },
  {
    name: 'org-source',
    summary:
      `Organization mode: one log source and one reader for AWSLogs/${SANDBOX_ORGANIZATION_ID}/, onboarded once (as on deploy); then ` +
      `${MEMBER_ACCOUNT_IDS.length} member accounts are covered by it, each recorded COVERED with no source, reader or key of its own.`,
    expected: 'SUCCEEDED',
    sandbox: { trail: { layout: 'organization', organizationId: SANDBOX_ORGANIZATION_ID, accountIds: MEMBER_ACCOUNT_IDS } },
    play: async ({ onboard, say }) => {
      say(`Deploying: onboarding the organization source of ${SANDBOX_ORGANIZATION_ID}…`);
      const runs = [await deployOnboarding(onboard)];
      for (const accountId of MEMBER_ACCOUNT_IDS) {
        say(`Account ${accountId}: confirming that the organization source covers it…`);
        runs.push(await onboard({ accountId, trigger: 'sandbox' }));
      }
      return runs;
    },
  },
  {
    name: 'new-account-covered',
    summary:
      `Organization mode: AWS Organizations creates account ${NEW_ACCOUNT_ID} after the organization source is in place. Its coverage run waits ` +
      'until its first logs appear under the organization prefix, confirms the organization source fetches, records the account COVERED and ' +
      'publishes Onboarding Succeeded with coverage "organization-source".',
    expected: 'SUCCEEDED',
    accountId: NEW_ACCOUNT_ID,
    sandbox: { trail: { layout: 'organization', organizationId: SANDBOX_ORGANIZATION_ID, accountIds: [SANDBOX_ACCOUNT_ID] } },
    play: async ({ sandbox, onboard, say }) => {
      say(`Deploying: onboarding the organization source of ${SANDBOX_ORGANIZATION_ID}…`);
      const organization = await deployOnboarding(onboard);
      say(`AWS Organizations created account ${NEW_ACCOUNT_ID} (CreateAccountResult); CloudTrail has not delivered its logs yet…`);
      let delivered = false;
      const deliverWhenAsked = (event: ExecutionEvent): void => {
        // The first look finds nothing; CloudTrail delivers the account's first files while the run waits to look again.
        if (delivered || event.kind !== 'failed' || event.state !== 'CheckAccountLogs') return;
        delivered = true;
        void deliverFirstLogs(sandbox, NEW_ACCOUNT_ID);
      };
      const coverage = await onboard(
        { accountId: NEW_ACCOUNT_ID, trigger: `aws.organizations:CreateAccountResult:sandbox-${NEW_ACCOUNT_ID}` },
        { onEvent: deliverWhenAsked },
      );
      return [organization, coverage];
    },
  },
  {
    name: 'control-tower-layout',
    summary:
      `Control Tower log archive: logs under ${SANDBOX_ORGANIZATION_ID}/AWSLogs/${SANDBOX_ORGANIZATION_ID}/<account>/, the stack configured with ` +
      'trail.organizationId and trail.trailPrefix both set to the organization id: the organization source reads the whole archive, and the sample account is covered.',
    expected: 'SUCCEEDED',
    sandbox: {
      trail: { layout: 'organization', organizationId: SANDBOX_ORGANIZATION_ID, prefix: SANDBOX_ORGANIZATION_ID },
      // What the README's organization setup asks for on a Control Tower bucket, spelled out.
      config: { trail: { organizationId: SANDBOX_ORGANIZATION_ID, trailPrefix: SANDBOX_ORGANIZATION_ID } },
    },
    play: async ({ onboard, say }): Promise<LocalRunResult[]> => {
      const organization = await deployOnboarding(onboard);
      say(`Account ${SANDBOX_ACCOUNT_ID}: confirming that the organization source covers it…`);
      return [organization, await onboard({ accountId: SANDBOX_ACCOUNT_ID, trigger: 'sandbox' })];
    },
  },
];

/** CloudTrail's first delivery for a new member account of the sandbox's organization trail. */
async function deliverFirstLogs(sandbox: Sandbox, accountId: string): Promise<void> {
  const { bucketName, trailPrefix, organizationId } = sandbox.settings.trail;
  const objects = buildTrailObjects({
    bucketName,
    accountId,
    ...(trailPrefix === undefined ? {} : { prefix: trailPrefix }),
    ...(organizationId === undefined ? {} : { organizationId }),
    regions: [SANDBOX_REGION],
    filesPerRegion: 1,
    withLogs: true,
    trailName: 'management-events',
    homeRegion: SANDBOX_REGION,
    now: new Date(),
  });
  await sandbox.aws.fakes.s3.putObjects(bucketName, objects);
}
