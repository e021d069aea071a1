import { logSourceNameFor } from '../shared/log-source-body.js';
import type { RuntimeSettings } from '../contract/runtime-settings.js';
import type { OnboardingInput, OnboardingRequest } from './workflow-contract.js';

/** Merges an execution's input with the stack's trail and naming defaults. */
export function resolveOnboardingRequest(input: OnboardingInput, settings: RuntimeSettings): OnboardingRequest {
  const bucketName = input.bucketName ?? settings.trail.bucketName;
  const bucketRegion = input.bucketRegion ?? (input.bucketName === undefined ? settings.trail.bucketRegion : undefined);
  const trailPrefix = input.trailPrefix ?? (input.bucketName === undefined ? settings.trail.trailPrefix : undefined);
  const organizationId = input.organizationId ?? settings.trail.organizationId;
  const logSourceName =
    input.logSourceName ??
    logSourceNameFor(settings.logSource.namePattern, {
      accountId: input.accountId,
      bucketName,
      bucketRegion: bucketRegion ?? '',
    });
  return {
    accountId: input.accountId,
    bucketName,
    logSourceName,
    ...(bucketRegion === undefined ? {} : { bucketRegion }),
    ...(trailPrefix === undefined ? {} : { trailPrefix }),
    ...(organizationId === undefined ? {} : { organizationId }),
    ...(input.filterDate === undefined ? {} : { filterDate: input.filterDate }),
    ...(input.trigger === undefined ? {} : { trigger: input.trigger }),
  };
}
