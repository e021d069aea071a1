import * as z from 'zod';
import { accountIdSchema } from '../contract/settings.js';
import { AccountEventRoutes, type AccountEventName, type AccountEventRoute } from '../contract/account-events.js';
import { invalidEvent, type IgnoredEvent, type StartRequest } from './start-request.js';

/**
 * The account lifecycle events EventBridge delivers (the routes of ../contract/account-events.ts),
 * each with the reader of its `detail`, and the start request an event asks for.
 */

/** What an account event says: its outcome and the account it is about. */
interface AccountEventFacts {
  state: string;
  accountId: string | undefined;
}

export interface AccountEventDefinition extends AccountEventRoute {
  /** Reads the event's `detail`; a string says what is wrong with it. */
  read(detail: unknown): AccountEventFacts | string;
}

function accountEvent<Detail>(route: AccountEventRoute, schema: z.ZodType<Detail>, facts: (detail: Detail) => AccountEventFacts): AccountEventDefinition {
  return {
    ...route,
    read: (detail) => {
      const parsed = schema.safeParse(detail);
      return parsed.success ? facts(parsed.data) : z.prettifyError(parsed.error);
    },
  };
}

/** The outcome of an Organizations account operation (`createAccountStatus`, `closeAccountStatus`). */
const organizationsAccountStatusSchema = z.looseObject({ state: z.string(), accountId: accountIdSchema.optional() });

/** The outcome of a Control Tower Account Factory operation (`createManagedAccountStatus`, `updateManagedAccountStatus`). */
const managedAccountStatusSchema = z.looseObject({
  state: z.string(),
  account: z.looseObject({ accountId: accountIdSchema }).optional(),
});

/** Each route of ../contract/account-events.ts with the reader of its events' detail. */
export const AccountEvent = {
  CreateAccountResult: accountEvent(
    AccountEventRoutes.CreateAccountResult,
    z.looseObject({ serviceEventDetails: z.looseObject({ createAccountStatus: organizationsAccountStatusSchema }) }),
    ({ serviceEventDetails: { createAccountStatus: status } }) => ({ state: status.state, accountId: status.accountId }),
  ),
  CreateManagedAccount: accountEvent(
    AccountEventRoutes.CreateManagedAccount,
    z.looseObject({ serviceEventDetails: z.looseObject({ createManagedAccountStatus: managedAccountStatusSchema }) }),
    ({ serviceEventDetails: { createManagedAccountStatus: status } }) => ({ state: status.state, accountId: status.account?.accountId }),
  ),
  // The same reading as CreateManagedAccount: an onboarding of the account, re-run if it already ran.
  UpdateManagedAccount: accountEvent(
    AccountEventRoutes.UpdateManagedAccount,
    z.looseObject({ serviceEventDetails: z.looseObject({ updateManagedAccountStatus: managedAccountStatusSchema }) }),
    ({ serviceEventDetails: { updateManagedAccountStatus: status } }) => ({ state: status.state, accountId: status.account?.accountId }),
  ),
  CloseAccountResult: accountEvent(
    AccountEventRoutes.CloseAccountResult,
    z.looseObject({ serviceEventDetails: z.looseObject({ closeAccountStatus: organizationsAccountStatusSchema }) }),
    ({ serviceEventDetails: { closeAccountStatus: status } }) => ({ state: status.state, accountId: status.accountId }),
  ),
  RemoveAccountFromOrganization: accountEvent(
    AccountEventRoutes.RemoveAccountFromOrganization,
    z.looseObject({
      errorCode: z.string().optional(),
      requestParameters: z.looseObject({ accountId: accountIdSchema }),
    }),
    ({ errorCode, requestParameters }) => ({
      state: errorCode === undefined ? 'SUCCEEDED' : `FAILED (${errorCode})`,
      accountId: requestParameters.accountId,
    }),
  ),
} satisfies Record<AccountEventName, AccountEventDefinition>;

const ACCOUNT_EVENT_NAMES = Object.keys(AccountEvent) as AccountEventName[];

/** The envelope EventBridge wraps every event in. */
const eventBridgeEventSchema = z.looseObject({
  id: z.string().min(1),
  source: z.string().min(1),
  'detail-type': z.string().min(1),
  detail: z.looseObject({ eventName: z.string().optional() }),
});

/** Reads an account lifecycle event into a start request, or says why the event asks for nothing. */
export function startRequestFromAccountEvent(event: unknown): StartRequest | IgnoredEvent {
  const envelope = eventBridgeEventSchema.safeParse(event);
  if (!envelope.success) throw invalidEvent(`not an EventBridge event: ${z.prettifyError(envelope.error)}`);
  const { id, source, detail } = envelope.data;
  const name = ACCOUNT_EVENT_NAMES.find((candidate) => AccountEvent[candidate].pattern.source.includes(source) && detail.eventName === candidate);
  if (name === undefined) throw invalidEvent(`${source} ${detail.eventName ?? '(no eventName)'} is not an account event this product handles`);

  const definition = AccountEvent[name];
  const facts = definition.read(detail);
  if (typeof facts === 'string') throw invalidEvent(`${name} event ${id} has an unexpected shape: ${facts}`);
  const { state, accountId } = facts;
  if (state !== 'SUCCEEDED') return { status: 'IGNORED', reason: `${name} event ${id} reports state ${state}` };
  if (accountId === undefined) throw invalidEvent(`${name} event ${id} reports success but names no account`);

  return {
    kind: definition.kind,
    accountId,
    idempotencyKey: `event:${id}`,
    input: { accountId, ...definition.input, trigger: `${source}:${name}:${id}`.slice(0, 100) },
  };
}
