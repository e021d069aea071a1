import { logSourceNameFor } from '../shared/log-source-body.js';
import { OnboardingError } from '../shared/errors.js';
import { CollectionMode, coverageOf } from '../contract/collection.js';
import { ErrorCode } from '../contract/error-codes.js';
import type { RuntimeSettings } from '../contract/runtime-settings.js';
import type { OnboardingInput, OnboardingRequest } from './workflow-contract.js';

/** Merges an execution's input with the stack's trail, collection and naming defaults. */
export function resolveOnboardingRequest(input: OnboardingInput, settings: RuntimeSettings): OnboardingRequest {
  const bucketName = input.bucketName ?? settings.trail.bucketName;
  const bucketRegion = input.bucketRegion ?? (input.bucketName === undefined ? settings.trail.bucketRegion : undefined);
  const trailPrefix = input.trailPrefix ?? (input.bucketName === undefined ? settings.trail.trailPrefix : undefined);
  const organizationId = input.organizationId ?? settings.trail.organizationId;
  const coverage = coverageOf(settings.collection.mode, input.accountId);
  if (coverage === 'organization') checkOrganizationSubject(input.accountId, organizationId, settings);
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
    coverage,
    adopt: input.adopt ?? settings.logSource.adoptExisting,
  };
}

/** The organization's own source exists only in organization mode, and only for the trail's organization. */
function checkOrganizationSubject(subject: string, organizationId: string | undefined, settings: RuntimeSettings): void {
  if (settings.collection.mode !== CollectionMode.Organization) {
    throw new OnboardingError(
      ErrorCode.INVALID_INPUT,
      `${subject} is an organization id, but this stack collects per account (collection.mode "${settings.collection.mode}"): ` +
        'start the onboarding with a 12-digit account id, or deploy with collection.mode "organization".',
      { details: { accountId: subject, collectionMode: settings.collection.mode } },
    );
  }
  if (organizationId !== subject) {
    throw new OnboardingError(
      ErrorCode.INVALID_INPUT,
      `The organization source can be onboarded only for the trail's organization ${organizationId ?? '(none configured)'}, not ${subject}.`,
      { details: { accountId: subject, organizationId: organizationId ?? null } },
    );
  }
}
