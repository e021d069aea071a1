/**
 * The account lifecycle events this product reacts to, and which workflow each starts: the
 * EventBridge pattern of each rule (lib/triggers/account-triggers.ts) and what the starter reads
 * out of a matching event (lambda/triggers/) are keyed by the same names, so a rule cannot deliver
 * an event the starter does not know.
 */

export const WorkflowKind = { Onboard: 'onboard', Offboard: 'offboard' } as const;
export type WorkflowKind = (typeof WorkflowKind)[keyof typeof WorkflowKind];

const SERVICE_EVENT = 'AWS Service Event via CloudTrail';
const API_CALL_EVENT = 'AWS API Call via CloudTrail';

/** An EventBridge event pattern, in the shape aws-cdk-lib's `EventPattern` takes. */
interface AccountEventPattern {
  source: string[];
  detailType: string[];
  detail: Record<string, unknown>;
}

export interface AccountEventRoute {
  kind: WorkflowKind;
  pattern: AccountEventPattern;
  /** Added to the execution input besides `accountId` and `trigger` (the offboarding `reason`). */
  input: Record<string, string>;
}

export const AccountEventRoutes = {
  /** AWS Organizations finished creating an account (delivered only in us-east-1). */
  CreateAccountResult: {
    kind: WorkflowKind.Onboard,
    pattern: {
      source: ['aws.organizations'],
      detailType: [SERVICE_EVENT],
      detail: {
        eventSource: ['organizations.amazonaws.com'],
        eventName: ['CreateAccountResult'],
        serviceEventDetails: { createAccountStatus: { state: ['SUCCEEDED'] } },
      },
    },
    input: {},
  },
  /** Control Tower finished provisioning an Account Factory account (in the Control Tower home region). */
  CreateManagedAccount: {
    kind: WorkflowKind.Onboard,
    pattern: {
      source: ['aws.controltower'],
      detailType: [SERVICE_EVENT],
      detail: {
        eventName: ['CreateManagedAccount'],
        serviceEventDetails: { createManagedAccountStatus: { state: ['SUCCEEDED'] } },
      },
    },
    input: {},
  },
  /**
   * Control Tower finished updating an Account Factory account (in the Control Tower home region). An
   * enrolment retried after an error ends with this event instead of CreateManagedAccount, so AWS
   * asks automation to handle both (Control Tower User Guide, "Lifecycle events"); it re-runs the
   * onboarding, which ends in an edit of the account's log source when it already has one.
   */
  UpdateManagedAccount: {
    kind: WorkflowKind.Onboard,
    pattern: {
      source: ['aws.controltower'],
      detailType: [SERVICE_EVENT],
      detail: {
        eventName: ['UpdateManagedAccount'],
        serviceEventDetails: { updateManagedAccountStatus: { state: ['SUCCEEDED'] } },
      },
    },
    input: {},
  },
  /** AWS Organizations finished closing a member account. */
  CloseAccountResult: {
    kind: WorkflowKind.Offboard,
    pattern: {
      source: ['aws.organizations'],
      detailType: [SERVICE_EVENT],
      detail: {
        eventSource: ['organizations.amazonaws.com'],
        eventName: ['CloseAccountResult'],
        serviceEventDetails: { closeAccountStatus: { state: ['SUCCEEDED'] } },
      },
    },
    input: { reason: 'account-closed' },
  },
  /** The management account removed a member account from the organization (a successful API call). */
  RemoveAccountFromOrganization: {
    kind: WorkflowKind.Offboard,
    pattern: {
      source: ['aws.organizations'],
      detailType: [API_CALL_EVENT],
      detail: {
        eventSource: ['organizations.amazonaws.com'],
        eventName: ['RemoveAccountFromOrganization'],
        // A refused call is recorded too, with an errorCode; only a removal that happened counts.
        errorCode: [{ exists: false }],
      },
    },
    input: { reason: 'removed-from-organization' },
  },
} satisfies Record<string, AccountEventRoute>;
export type AccountEventName = keyof typeof AccountEventRoutes;

/** The properties the deploy trigger (lib/triggers/deploy-trigger.ts) gives its custom resource. */
export interface DeployTriggerProperties {
  /** The account (or organization source) to onboard; absent when the deployment starts a fleet run instead. */
  AccountId?: string;
  /** `true`: start a fleet run of the existing accounts (`fleet.onboardExisting`). */
  Fleet?: 'true';
  /** Changes on every synth, so every `cdk deploy` updates the resource and starts one onboarding. */
  DeployNonce: string;
}
