import * as z from 'zod';
import { readAccessKey } from '../shared/account-secret.js';
import { OnboardingError } from '../shared/errors.js';
import { accessCheckSchema, bucketFactsSchema, onboardingRequestSchema, readerIdentitySchema } from './workflow-contract.js';
import { awsDependencies, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { ErrorCode } from '../contract/error-codes.js';
import { verifyReaderAccess } from '../shared/reader-access.js';

/** VerifyAccess: with the reader's own key, list and read one real log object. */
export const createHandler = (dependencies: DependenciesProvider = awsDependencies) =>
  defineStep({
    step: 'VerifyAccess',
    input: z.strictObject({ request: onboardingRequestSchema, bucket: bucketFactsSchema, reader: readerIdentitySchema }),
    output: accessCheckSchema,
    run: async ({ request, bucket, reader }) => {
      const { secretsManager, s3ForCredentials } = dependencies();
      const key = await readAccessKey(secretsManager, request.accountId);
      if (key.accessKeyId !== reader.accessKeyId) {
        throw new OnboardingError(
          ErrorCode.SECRET_INVALID,
          `Secret ${reader.secretName} holds access key ${key.accessKeyId}, not ${reader.accessKeyId} that this run created; another onboarding of the account is probably running.`,
        );
      }
      return verifyReaderAccess(s3ForCredentials(key, bucket.bucketRegion), bucket);
    },
  });

export const handler = createHandler();
