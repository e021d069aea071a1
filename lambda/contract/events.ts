/**
 * The EventBridge events the product publishes. One source for the whole lifecycle, so one rule
 * pattern catches onboarding, offboarding and key rotation alike.
 */
export const EVENT_SOURCE = 'logpoint.onboarding';

export const OnboardingEventType = {
  Succeeded: 'Onboarding Succeeded',
  Failed: 'Onboarding Failed',
} as const;

export const OffboardingEventType = {
  Succeeded: 'Offboarding Succeeded',
  Failed: 'Offboarding Failed',
} as const;

export const KeyRotationEventType = {
  Succeeded: 'Key Rotation Succeeded',
  Failed: 'Key Rotation Failed',
} as const;
