import type { AccountState } from '../../local/sandbox/account-state.js';
import type { AwsCallRecord } from '../../local/sandbox/aws-call-log.js';
import type { ArnEnvironment } from './template-roles.js';

/**
 * What AWS authorizes for one SDK call: the IAM action(s), the resource ARN and the request
 * context, per the Service Authorization Reference ("Actions, resources, and condition keys for
 * <service>") and the API references' "Required permissions". The resource's own attributes (a
 * user's path and tags, a secret's tags and rotation function, a bucket's KMS key) come from the
 * account state the call log took as the call was sent.
 */

type Context = Record<string, string | string[]>;

export interface IamRequest {
  action: string;
  resource: string;
  context: Context;
  /** Set when the request is one the call implies besides its own action (e.g. TagUser for CreateUser with tags). */
  because?: string;
  /** Set when the ARN rests on how AWS names a resource that does not exist (yet). */
  assumption?: string;
}

export interface RequestEnvironment extends ArnEnvironment {
  /** Sandbox stand-in ARN → the ARN the deployed stack has (the rotation function Finalize hands on). */
  aliases: Record<string, string>;
}

export class UnmappedCallError extends Error {}

type Input = Record<string, unknown>;
type Mapper = (input: Input, state: AccountState, env: RequestEnvironment) => IamRequest[];

const EMPTY_STATE: AccountState = { users: [], accessKeys: [], userPolicies: [], secrets: [], buckets: [] };
const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
const tagsOf = (input: Input): { Key: string; Value: string }[] => (Array.isArray(input.Tags) ? (input.Tags as { Key: string; Value: string }[]) : []);
const present = (entries: Record<string, string | string[] | undefined>): Context =>
  Object.fromEntries(Object.entries(entries).filter((entry): entry is [string, string | string[]] => entry[1] !== undefined));

/** `aws:RequestTag/<key>` for each tag the request sets, and `aws:TagKeys` (multivalued). */
function requestTagContext(tags: { Key: string; Value: string }[]): Context {
  if (tags.length === 0) return {};
  return { ...Object.fromEntries(tags.map((tag) => [`aws:RequestTag/${tag.Key}`, tag.Value])), 'aws:TagKeys': tags.map((tag) => tag.Key) };
}

// ---- IAM (Service Authorization Reference: resource type `user`, keys aws:ResourceTag/${TagKey}, iam:ResourceTag/${TagKey}) ----

const ABSENT_USER =
  'the user did not exist: IAM has no path for it and authorizes user/<name> (path-scoped grants then refuse; cloud-gov/terraform-provision#1923, #1929)';

/** The user a request names: its ARN with its path and its tags, or the pathless ARN when it does not exist. */
function userResource(userName: string, state: AccountState, env: RequestEnvironment): { arn: string; context: Context; assumption?: string } {
  const user = state.users.find((candidate) => candidate.userName.toLowerCase() === userName.toLowerCase());
  if (!user) return { arn: `arn:${env.partition}:iam::${env.account}:user/${userName}`, context: {}, assumption: ABSENT_USER };
  const tags = Object.entries(user.tags).flatMap(([key, value]) => [
    [`aws:ResourceTag/${key}`, value],
    [`iam:ResourceTag/${key}`, value],
  ]);
  return { arn: user.arn, context: Object.fromEntries(tags) as Context };
}

/** The user's current permissions boundary, the value of `iam:PermissionsBoundary` for calls that change its policies. */
function currentBoundary(userName: string, state: AccountState): string | undefined {
  return state.users.find((user) => user.userName.toLowerCase() === userName.toLowerCase())?.permissionsBoundary ?? undefined;
}

/** A call on the user in `UserName`: the action on that user, plus `extra` context keys. */
function onUser(action: string, extra: (input: Input, state: AccountState) => Context = () => ({})): Mapper {
  return (input, state, env) => {
    const userName = text(input.UserName);
    if (userName === undefined) throw new UnmappedCallError(`${action} without UserName acts on the caller itself: not mapped.`);
    const user = userResource(userName, state, env);
    return [{ action, resource: user.arn, context: { ...user.context, ...extra(input, state) }, ...(user.assumption ? { assumption: user.assumption } : {}) }];
  };
}

/** An access key call names the key only: IAM authorizes it on the user that owns the key. */
function onKeyOwner(action: string): Mapper {
  return (input, state, env) => {
    const owner = text(input.UserName) ?? state.accessKeys.find((key) => key.accessKeyId === text(input.AccessKeyId))?.userName;
    if (owner === undefined) throw new UnmappedCallError(`${action}: the key's owner is not in the account state.`);
    return onUser(action)({ ...input, UserName: owner }, state, env);
  };
}

const boundaryOfUser = (input: Input, state: AccountState): Context => present({ 'iam:PermissionsBoundary': currentBoundary(String(input.UserName), state) });

const IAM: Record<string, Mapper> = {
  CreateUser: (input, _state, env) => {
    const resource = `arn:${env.partition}:iam::${env.account}:user${text(input.Path) ?? '/'}${String(input.UserName)}`;
    const tags = requestTagContext(tagsOf(input));
    const create = { action: 'iam:CreateUser', resource, context: { ...present({ 'iam:PermissionsBoundary': text(input.PermissionsBoundary) }), ...tags } };
    // "Tag IAM users": creating a user with tags also needs iam:TagUser (IAM User Guide, id_tags_users).
    return tagsOf(input).length === 0 ? [create] : [create, { action: 'iam:TagUser', resource, context: tags, because: 'CreateUser with Tags' }];
  },
  GetUser: onUser('iam:GetUser'),
  DeleteUser: onUser('iam:DeleteUser'),
  ListUserTags: onUser('iam:ListUserTags'),
  TagUser: onUser('iam:TagUser', (input) => requestTagContext(tagsOf(input))),
  UntagUser: onUser('iam:UntagUser', (input) => ({ 'aws:TagKeys': (input.TagKeys ?? []) as string[] })),
  PutUserPolicy: onUser('iam:PutUserPolicy', boundaryOfUser),
  DeleteUserPolicy: onUser('iam:DeleteUserPolicy', boundaryOfUser),
  GetUserPolicy: onUser('iam:GetUserPolicy'),
  ListUserPolicies: onUser('iam:ListUserPolicies'),
  PutUserPermissionsBoundary: onUser('iam:PutUserPermissionsBoundary', (input) => present({ 'iam:PermissionsBoundary': text(input.PermissionsBoundary) })),
  DeleteUserPermissionsBoundary: onUser('iam:DeleteUserPermissionsBoundary', boundaryOfUser),
  CreateAccessKey: onUser('iam:CreateAccessKey'),
  ListAccessKeys: onUser('iam:ListAccessKeys'),
  UpdateAccessKey: onKeyOwner('iam:UpdateAccessKey'),
  DeleteAccessKey: onKeyOwner('iam:DeleteAccessKey'),
  GetAccessKeyLastUsed: onKeyOwner('iam:GetAccessKeyLastUsed'),
};

// ---- Secrets Manager (resource type `Secret`; keys aws:ResourceTag/${TagKey}, secretsmanager:SecretId, ...) ----

/**
 * Six characters stand in for the random suffix of a secret that does not exist (yet): Secrets
 * Manager appends six random characters to the name, and a `<name>-??????` grant is how the
 * Secrets Manager User Guide (permissions_grant-limited-resources) grants on a secret "that
 * doesn't yet exist" — so a name-only request is evaluated against the name plus six characters.
 */
const ABSENT_SECRET_SUFFIX = '-Ab12Cd';

/** The secret a SecretId names (ARN, partial ARN or name) and the context its attributes give. */
function secretResource(secretId: string, state: AccountState, env: RequestEnvironment): { arn: string; context: Context } {
  const secret = state.secrets.find((candidate) => candidate.arn === secretId || candidate.name === secretId || candidate.arn.startsWith(`${secretId}-`));
  const idContext = { 'secretsmanager:SecretId': secretId };
  if (!secret) {
    const arn = secretId.startsWith('arn:')
      ? secretId
      : `arn:${env.partition}:secretsmanager:${env.region}:${env.account}:secret:${secretId}${ABSENT_SECRET_SUFFIX}`;
    return { arn, context: idContext };
  }
  const rotation = secret.rotationLambdaArn ? (env.aliases[secret.rotationLambdaArn] ?? secret.rotationLambdaArn) : undefined;
  return {
    arn: secret.arn,
    context: {
      ...idContext,
      ...Object.fromEntries(Object.entries(secret.tags).map(([key, value]) => [`aws:ResourceTag/${key}`, value])),
      ...present({ 'secretsmanager:resource/AllowRotationLambdaArn': rotation }),
    },
  };
}

function onSecret(action: string, extra: (input: Input, env: RequestEnvironment) => Context = () => ({})): Mapper {
  return (input, state, env) => {
    const secret = secretResource(String(input.SecretId), state, env);
    return [{ action, resource: secret.arn, context: { ...secret.context, ...extra(input, env) } }];
  };
}

const SECRETS_MANAGER: Record<string, Mapper> = {
  CreateSecret: (input, _state, env) => {
    const resource = `arn:${env.partition}:secretsmanager:${env.region}:${env.account}:secret:${String(input.Name)}${ABSENT_SECRET_SUFFIX}`;
    const tags = requestTagContext(tagsOf(input));
    const context = {
      ...present({
        'secretsmanager:Name': text(input.Name),
        'secretsmanager:Description': text(input.Description),
        'secretsmanager:KmsKeyId': text(input.KmsKeyId),
      }),
      ...tags,
    };
    const create = { action: 'secretsmanager:CreateSecret', resource, context };
    // API reference, CreateSecret: "If you include tags in the secret, you also need secretsmanager:TagResource."
    if (tagsOf(input).length === 0) return [create];
    return [create, { action: 'secretsmanager:TagResource', resource, context: tags, because: 'CreateSecret with Tags' }];
  },
  DescribeSecret: onSecret('secretsmanager:DescribeSecret'),
  GetSecretValue: onSecret('secretsmanager:GetSecretValue', (input) =>
    present({ 'secretsmanager:VersionId': text(input.VersionId), 'secretsmanager:VersionStage': text(input.VersionStage) }),
  ),
  PutSecretValue: onSecret('secretsmanager:PutSecretValue'),
  UpdateSecret: onSecret('secretsmanager:UpdateSecret', (input) =>
    present({ 'secretsmanager:Description': text(input.Description), 'secretsmanager:KmsKeyId': text(input.KmsKeyId) }),
  ),
  UpdateSecretVersionStage: onSecret('secretsmanager:UpdateSecretVersionStage', (input) =>
    present({ 'secretsmanager:VersionStage': text(input.VersionStage) }),
  ),
  TagResource: onSecret('secretsmanager:TagResource', (input) => requestTagContext(tagsOf(input))),
  UntagResource: onSecret('secretsmanager:UntagResource', (input) => ({ 'aws:TagKeys': (input.TagKeys ?? []) as string[] })),
  RestoreSecret: onSecret('secretsmanager:RestoreSecret'),
  DeleteSecret: onSecret('secretsmanager:DeleteSecret', (input) =>
    present({
      'secretsmanager:RecoveryWindowInDays': text(input.RecoveryWindowInDays),
      'secretsmanager:ForceDeleteWithoutRecovery': text(input.ForceDeleteWithoutRecovery),
    }),
  ),
  RotateSecret: (input, state, env) => {
    const lambdaArn = text(input.RotationLambdaARN);
    const rotationFunction = lambdaArn === undefined ? undefined : (env.aliases[lambdaArn] ?? lambdaArn);
    const [rotate] = onSecret('secretsmanager:RotateSecret', () =>
      present({ 'secretsmanager:RotationLambdaARN': rotationFunction, 'secretsmanager:RotateImmediately': text(input.RotateImmediately) }),
    )(input, state, env);
    if (!rotate) return [];
    // API reference, RotateSecret: turning rotation on also needs lambda:InvokeFunction on the rotation function.
    return rotationFunction === undefined
      ? [rotate]
      : [rotate, { action: 'lambda:InvokeFunction', resource: rotationFunction, context: {}, because: 'RotateSecret with RotationLambdaARN' }];
  },
};

// ---- S3 (resource types `bucket` and `object`; kms:Decrypt via S3 for SSE-KMS objects) ----

const bucketArn = (input: Input, env: RequestEnvironment): string => `arn:${env.partition}:s3:::${String(input.Bucket)}`;
const objectArn = (input: Input, env: RequestEnvironment): string => `${bucketArn(input, env)}/${String(input.Key)}`;
const onBucket =
  (action: string): Mapper =>
  (input, _state, env) => [{ action, resource: bucketArn(input, env), context: {} }];
const listBucket: Mapper = (input, _state, env) => [
  {
    action: 's3:ListBucket',
    resource: bucketArn(input, env),
    context: present({ 's3:prefix': text(input.Prefix), 's3:delimiter': text(input.Delimiter), 's3:max-keys': text(input.MaxKeys) }),
  },
];

const S3: Record<string, Mapper> = {
  // HeadBucket: "you must have permissions to perform the s3:ListBucket action" (S3 API reference).
  HeadBucket: onBucket('s3:ListBucket'),
  GetBucketLocation: onBucket('s3:GetBucketLocation'),
  GetBucketEncryption: onBucket('s3:GetEncryptionConfiguration'),
  ListObjectsV2: listBucket,
  ListObjects: listBucket,
  // HeadObject needs s3:GetObject; it returns metadata only, so S3 does not call KMS.
  HeadObject: (input, _state, env) => [{ action: 's3:GetObject', resource: objectArn(input, env), context: {} }],
  GetObject: (input, state, env) => {
    const read = { action: 's3:GetObject', resource: objectArn(input, env), context: {} };
    const bucket = state.buckets.find((candidate) => candidate.name === input.Bucket);
    if (bucket?.encryption.type !== 'SSE-KMS') return [read];
    // S3 decrypts an SSE-KMS object with the caller's permissions: kms:Decrypt on the key, via S3.
    // (kms:EncryptionContext:aws:s3:arn is left out: iam-simulate ignores it, and no grant uses it.)
    const viaS3 = { 'kms:ViaService': `s3.${bucket.region}.amazonaws.com`, 'kms:CallerAccount': env.account };
    return [read, { action: 'kms:Decrypt', resource: bucket.encryption.kmsKeyArn, context: viaS3, because: 'GetObject of an SSE-KMS object' }];
  },
};

// ---- EventBridge, Step Functions ----

const EVENT_BRIDGE: Record<string, Mapper> = {
  PutEvents: (input, _state, env) =>
    ((input.Entries ?? []) as { EventBusName?: string; Source?: string; DetailType?: string }[]).map((entry) => {
      const bus = entry.EventBusName ?? 'default';
      return {
        action: 'events:PutEvents',
        resource: bus.startsWith('arn:') ? bus : `arn:${env.partition}:events:${env.region}:${env.account}:event-bus/${bus}`,
        context: present({ 'events:source': entry.Source, 'events:detail-type': entry.DetailType }),
      };
    }),
};

const SFN: Record<string, Mapper> = {
  StartExecution: (input) => [{ action: 'states:StartExecution', resource: String(input.stateMachineArn), context: {} }],
  ListExecutions: (input) => [{ action: 'states:ListExecutions', resource: String(input.stateMachineArn), context: {} }],
  DescribeExecution: (input, _state, env) => {
    const arn = String(input.executionArn);
    const machine = arn.slice(0, arn.lastIndexOf(':'));
    return [{ action: 'states:DescribeExecution', resource: `${env.aliases[machine] ?? machine}${arn.slice(machine.length)}`, context: {} }];
  },
};

// ---- DynamoDB (the account lock table and the registry; the sandbox's table names are aliased to the synthesized ones) ----

/** The item's partition key (both tables key on `accountId`): what `dynamodb:LeadingKeys` holds for a call on one item. */
function leadingKeys(input: Input): Context {
  const key = ((input.Key ?? input.Item) as { accountId?: { S?: unknown } } | undefined)?.accountId?.S;
  return typeof key === 'string' ? { 'dynamodb:LeadingKeys': [key] } : {};
}

const onTable =
  (action: string): Mapper =>
  (input, _state, env) => {
    const arn = `arn:${env.partition}:dynamodb:${env.region}:${env.account}:table/${String(input.TableName)}`;
    return [{ action, resource: env.aliases[arn] ?? arn, context: leadingKeys(input) }];
  };

const DYNAMODB: Record<string, Mapper> = {
  PutItem: onTable('dynamodb:PutItem'),
  DeleteItem: onTable('dynamodb:DeleteItem'),
  GetItem: onTable('dynamodb:GetItem'),
  UpdateItem: onTable('dynamodb:UpdateItem'),
  Scan: onTable('dynamodb:Scan'),
};

// ---- AWS Organizations (the fleet run's listing; ListAccounts takes no resource) ----

const ORGANIZATIONS: Record<string, Mapper> = {
  ListAccounts: () => [{ action: 'organizations:ListAccounts', resource: '*', context: {} }],
};

const MAPPERS: Record<string, Record<string, Mapper>> = {
  IAM,
  SecretsManager: SECRETS_MANAGER,
  S3,
  EventBridge: EVENT_BRIDGE,
  SFN,
  DynamoDB: DYNAMODB,
  Organizations: ORGANIZATIONS,
};

/** The IAM requests AWS evaluates for one recorded call. Throws UnmappedCallError for a call not mapped here. */
export function iamRequestsFor(call: Pick<AwsCallRecord<AccountState>, 'service' | 'operation' | 'input' | 'state'>, env: RequestEnvironment): IamRequest[] {
  const mapper = MAPPERS[call.service]?.[call.operation];
  if (!mapper) throw new UnmappedCallError(`${call.service}.${call.operation} has no IAM mapping: add it to test/support/iam-requests.ts.`);
  return mapper(call.input, call.state ?? EMPTY_STATE, env);
}
