import { OnboardingError } from '../../lambda/shared/errors.js';

/** The rejection of `promise`, failing the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** The OnboardingError `promise` rejects with; any other rejection, or none, fails the test. */
export async function onboardingErrorOf(promise: Promise<unknown>): Promise<OnboardingError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OnboardingError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}
