import { coverageOf } from '../contract/collection.js';
import type { RuntimeSettings } from '../contract/runtime-settings.js';
import { defaultLogSourceName } from '../shared/log-source-body.js';
import type { OffboardingInput, OffboardingRequest } from './workflow-contract.js';

/** Fills the defaults: reason `manual`, and the log source name from the stack's name pattern. */
export function resolveOffboardingRequest(input: OffboardingInput, settings: RuntimeSettings): OffboardingRequest {
  return {
    accountId: input.accountId,
    reason: input.reason ?? 'manual',
    // The same expansion onboarding uses, so both agree on the name for the same account.
    logSourceName: input.logSourceName ?? defaultLogSourceName(settings, input.accountId),
    trigger: input.trigger ?? null,
    coverage: coverageOf(settings.collection.mode, input.accountId),
  };
}
