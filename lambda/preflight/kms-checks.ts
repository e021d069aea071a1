import { GetKeyPolicyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { READER_USER_PATH, readerUserName } from '../contract/names.js';
import { describeAwsError, isAwsError } from '../shared/ownership.js';
import { partitionForRegion, s3ViaServiceValues, type IamPolicyDocument } from '../shared/reader-policy.js';
import { fail, pass, skip, type PreflightCheck } from './report.js';

/** What the KMS check looks at: the bucket's key, and the reader an onboarding of the subject would create. */
export interface KmsCheckInput {
  keyArn: string;
  bucketRegion: string;
  subject: string;
  /** The account the product's reader users live in (the stack's). */
  readerAccountId: string;
  /** The inline policy the onboarding would give the reader. */
  readerPolicy: IamPolicyDocument;
}

const ID = 'trail.kms';
const TITLE = 'KMS key policy';

/**
 * Whether the reader an onboarding would create may decrypt the trail's logs: the bucket's key
 * policy read with GetKeyPolicy, then `kms:Decrypt` through S3 evaluated with iam-simulate (an IAM
 * engine this project did not write) over that key policy and the reader's own policy, as KMS
 * decides it: the key policy must allow the reader, directly or by deferring to its account's IAM.
 * GetKeyPolicy works only in the key's own account, so a key elsewhere (a log archive account) is
 * reported as not checked, with what to check there.
 */
export async function checkKmsKeyPolicy(kms: KMSClient, input: KmsCheckInput): Promise<PreflightCheck> {
  const keyAccount = input.keyArn.split(':')[4] ?? '';
  const partition = partitionForRegion(input.bucketRegion);
  const readerArn = `arn:${partition}:iam::${input.readerAccountId}:user${READER_USER_PATH}${readerUserName(input.subject)}`;
  const whatToAllow =
    `a statement allowing kms:Decrypt to arn:${partition}:iam::${input.readerAccountId}:root (the account's IAM then decides) ` +
    `or to the reader users (arn:${partition}:iam::${input.readerAccountId}:user${READER_USER_PATH}*), e.g. with kms:ViaService s3.${input.bucketRegion}.amazonaws.com`;
  let policy: unknown;
  try {
    const answer = await kms.send(new GetKeyPolicyCommand({ KeyId: input.keyArn }));
    policy = JSON.parse(answer.Policy ?? 'null');
  } catch (error) {
    if (keyAccount !== input.readerAccountId) {
      return skip(ID, TITLE, `${input.keyArn} is in account ${keyAccount}, where alone KMS shows its key policy; check there that it has ${whatToAllow}`);
    }
    if (isAwsError(error, 'NotFoundException')) {
      return fail(ID, TITLE, `KMS has no key ${input.keyArn}, which the bucket's default encryption names`, 'Point the bucket at an existing key.');
    }
    return skip(ID, TITLE, `could not read the key policy of ${input.keyArn}: ${describeAwsError(error)} (reading it needs kms:GetKeyPolicy)`);
  }
  const decision = await decryptThroughS3(input, readerArn, keyAccount, policy);
  if (decision === 'Allowed') return pass(ID, TITLE, `${input.keyArn} lets ${readerArn} decrypt the logs through S3`);
  if (decision === 'ExplicitlyDenied') {
    return fail(
      ID,
      TITLE,
      `the key policy of ${input.keyArn} denies kms:Decrypt to ${readerArn}`,
      'Narrow the Deny statement of the key policy so the reader users are outside it.',
    );
  }
  if (decision === 'ImplicitlyDenied') {
    return fail(
      ID,
      TITLE,
      `the key policy of ${input.keyArn} lets no one in account ${input.readerAccountId} decrypt`,
      `Add to the key policy ${whatToAllow}.`,
    );
  }
  return skip(ID, TITLE, `could not evaluate the key policy of ${input.keyArn}: ${decision}`);
}

async function decryptThroughS3(input: KmsCheckInput, readerArn: string, keyAccount: string, keyPolicy: unknown): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal: readerArn,
        action: 'kms:Decrypt',
        resource: { resource: input.keyArn, accountId: keyAccount },
        // The keys AWS sets on a Decrypt S3 makes for an IAM user; iam-simulate fills in none by itself.
        contextVariables: {
          'kms:ViaService': s3ViaServiceValues(input.bucketRegion)[0] ?? '',
          'kms:CallerAccount': input.readerAccountId,
          'aws:PrincipalArn': readerArn,
          'aws:PrincipalAccount': input.readerAccountId,
          'aws:PrincipalType': 'User',
          'aws:username': readerUserName(input.subject),
          'aws:ViaAWSService': 'true',
          'aws:SecureTransport': 'true',
        },
      },
      identityPolicies: [{ name: 'reader', policy: input.readerPolicy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: keyPolicy,
    },
    {},
  );
  if (result.resultType === 'error') return result.errors.message;
  return result.overallResult;
}
