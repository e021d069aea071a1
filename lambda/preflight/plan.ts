import { GetUserPolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Coverage } from '../contract/collection.js';
import { ErrorCode } from '../contract/error-codes.js';
import { readerUserName } from '../contract/names.js';
import type { RuntimeSettings } from '../contract/runtime-settings.js';
import type { DirectorClient } from '../director/index.js';
import { resolveOnboardingRequest } from '../onboarding/request.js';
import { describeAccountSecret } from '../shared/account-secret.js';
import { OnboardingError } from '../shared/errors.js';
import { redactLogSourceBody, type S3FetcherLogSource } from '../shared/log-source-body.js';
import { buildLogSourceWrite } from '../shared/log-source-write.js';
import { findOwnedLogSource } from '../shared/owned-log-source.js';
import { isAwsError } from '../shared/ownership.js';
import { buildReaderPolicy, READER_POLICY_NAME } from '../shared/reader-policy.js';
import { getReaderUser, isOwnedReaderUser } from '../shared/reader-user.js';
import { checkTrailBucket } from '../shared/trail-bucket.js';

/**
 * `logpoint-onboard plan`: what an onboarding of one subject would change, read from the same
 * places the onboarding reads, changing nothing. The key an onboarding would mint does not exist
 * yet: the body shows a placeholder for its id, and the secret masked as always.
 */

export interface PlanClients {
  iam: IAMClient;
  secretsManager: SecretsManagerClient;
  s3: S3Client;
  director: DirectorClient;
}

export interface SubjectPlan {
  subject: string;
  coverage: Coverage;
  /** Why an onboarding would fail before changing anything (the error code and message it would fail with). */
  blocked: { code: string; message: string } | null;
  iam: { user: 'create' | 'keep'; accessKey: 'create' | 'replace'; policy: 'create' | 'replace' | 'no change' } | null;
  secret: 'create' | 'update' | null;
  director: { operation: 'POST' | 'PUT' | 'none'; logSourceName: string; logSourceId: string | null; body: S3FetcherLogSource | null };
  /** The plan in words, a line per change. */
  changes: string[];
}

/** Stands for the access key id the onboarding would create. */
const NEW_KEY_ID = '(new access key)';

export async function planOnboarding(clients: PlanClients, settings: RuntimeSettings, subject: string, now: () => Date): Promise<SubjectPlan> {
  const request = resolveOnboardingRequest({ accountId: subject }, settings);
  const base = { subject, coverage: request.coverage, iam: null, secret: null };
  const noWrite = { operation: 'none' as const, logSourceName: request.logSourceName, logSourceId: null, body: null };
  try {
    const bucket = await checkTrailBucket(clients.s3, request);
    if (request.coverage === 'organization-source') {
      return {
        ...base,
        blocked: null,
        director: noWrite,
        changes: [`none of its own: the organization's source collects ${bucket.logPrefix}; the account is recorded COVERED`],
      };
    }
    const userName = readerUserName(subject);
    const user = await getReaderUser(clients.iam, userName);
    if (user !== null && !(await isOwnedReaderUser(clients.iam, user, subject))) {
      throw new OnboardingError(
        ErrorCode.NOT_OWNED,
        `IAM user ${userName} exists but was not created by this product; an onboarding leaves it alone and fails.`,
      );
    }
    const wanted = buildReaderPolicy({
      bucketName: bucket.bucketName,
      logPrefix: bucket.logPrefix,
      kmsKeyArn: bucket.kmsKeyArn,
      bucketRegion: bucket.bucketRegion,
    });
    const current = user === null ? null : await readerPolicyOf(clients.iam, userName);
    const policy: 'create' | 'replace' | 'no change' =
      current === null ? 'create' : JSON.stringify(current) === JSON.stringify(wanted) ? 'no change' : 'replace';
    const secret = (await describeAccountSecret(clients.secretsManager, subject)) === null ? 'create' : 'update';
    const existing = await findOwnedLogSource(clients, { accountId: subject, logSourceName: request.logSourceName, adopt: request.adopt });
    const body = await buildLogSourceWrite(
      { director: clients.director, logSource: settings.logSource, now },
      { ...bucket, accountId: subject, name: request.logSourceName, key: { accessKeyId: NEW_KEY_ID, secretAccessKey: 'not-created-yet' } },
      existing,
    );
    const iam = {
      user: user === null ? ('create' as const) : ('keep' as const),
      accessKey: user === null ? ('create' as const) : ('replace' as const),
      policy,
    };
    const director = {
      operation: existing === null ? ('POST' as const) : ('PUT' as const),
      logSourceName: request.logSourceName,
      logSourceId: existing?.id ?? null,
      body: redactLogSourceBody(body),
    };
    return {
      ...base,
      blocked: null,
      iam,
      secret,
      director,
      changes: [
        user === null
          ? `create IAM user ${userName} with an access key`
          : `keep IAM user ${userName}; create a new access key (the old one is retired once Director holds the new one)`,
        `${policy === 'no change' ? 'keep' : policy} its inline policy ${READER_POLICY_NAME} (reads ${bucket.logPrefix} of s3://${bucket.bucketName})`,
        `${secret} the secret logpoint/cloudtrail/${subject} with the new key`,
        existing === null
          ? `POST log source "${request.logSourceName}" to Director`
          : `PUT log source ${existing.id} ("${request.logSourceName}") with the new key`,
      ],
    };
  } catch (error) {
    const code = error instanceof OnboardingError ? error.code : ErrorCode.INTERNAL;
    const message = error instanceof Error ? error.message : String(error);
    return { ...base, blocked: { code, message }, director: noWrite, changes: [`nothing: the onboarding would fail with ${code}`] };
  }
}

async function readerPolicyOf(iam: IAMClient, userName: string): Promise<unknown> {
  try {
    const { PolicyDocument: document } = await iam.send(new GetUserPolicyCommand({ UserName: userName, PolicyName: READER_POLICY_NAME }));
    return document === undefined ? null : (JSON.parse(decodeURIComponent(document)) as unknown);
  } catch (error) {
    if (isAwsError(error, 'NoSuchEntityException', 'NoSuchEntity')) return null;
    throw error;
  }
}
