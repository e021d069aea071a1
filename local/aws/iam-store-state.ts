import * as z from 'zod';
import type { KeyRecord, UserRecord } from './iam-model.js';
import { parsePolicyDocument } from './policy-evaluator.js';
import { dateOf, isoDateSchema, parseStateDocument, reportDuplicates } from './store-snapshots.js';

/**
 * IamStore's contents as a JSON document, so the sandbox can save the fake between commands and
 * rebuild it in another process. Lists keep the order the store (and so ListUsers, ListUserPolicies,
 * ListAccessKeys) answers in.
 */

const inlinePolicySchema = z.strictObject({
  policyName: z.string().min(1),
  /** The policy JSON as PutUserPolicy received it. */
  document: z.string().superRefine((document, context) => {
    try {
      parsePolicyDocument(document);
    } catch (error) {
      context.addIssue({ code: 'custom', message: `not a policy document: ${error instanceof Error ? error.message : String(error)}` });
    }
  }),
});

const userSchema = z
  .strictObject({
    userName: z.string().min(1),
    path: z.string().min(1),
    userId: z.string().min(1),
    arn: z.string().min(1),
    createDate: isoDateSchema,
    tags: z.array(z.strictObject({ Key: z.string(), Value: z.string() })),
    inlinePolicies: z.array(inlinePolicySchema),
    /** ARN of the managed policy set as the user's permissions boundary. */
    permissionsBoundary: z.string().optional(),
  })
  .superRefine((user, context) => {
    reportDuplicates(context, ['inlinePolicies'], 'policy name', user.inlinePolicies, (policy) => policy.policyName);
  });

const accessKeySchema = z.strictObject({
  userName: z.string().min(1),
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  status: z.enum(['Active', 'Inactive']),
  createDate: isoDateSchema,
  lastUsed: z.strictObject({ date: isoDateSchema, serviceName: z.string(), region: z.string() }).optional(),
});

const iamStoreStateSchema = z
  .strictObject({
    version: z.literal(1),
    accountId: z.string(),
    users: z.array(userSchema),
    accessKeys: z.array(accessKeySchema),
  })
  .superRefine((state, context) => {
    // IAM user names are unique without regard to case.
    reportDuplicates(context, ['users'], 'user name (case-insensitively)', state.users, (user) => user.userName.toLowerCase());
    reportDuplicates(context, ['accessKeys'], 'access key id', state.accessKeys, (key) => key.accessKeyId);
    const userNames = new Set(state.users.map((user) => user.userName));
    state.accessKeys.forEach((key, index) => {
      if (!userNames.has(key.userName)) context.addIssue({ code: 'custom', path: ['accessKeys', index, 'userName'], message: `no user ${key.userName}` });
    });
  });

/** IamStore's whole contents, secret access keys included: what exportState() writes and importState() reads. */
export type IamStoreState = z.infer<typeof iamStoreStateSchema>;

export function exportIamState(origin: { accountId: string }, users: Iterable<UserRecord>, keys: Iterable<KeyRecord>): IamStoreState {
  return {
    version: 1,
    accountId: origin.accountId,
    users: [...users].map((user) => ({
      userName: user.userName,
      path: user.path,
      userId: user.userId,
      arn: user.arn,
      createDate: user.createDate.toISOString(),
      tags: user.tags.map(({ Key, Value }) => ({ Key, Value })),
      inlinePolicies: [...user.policies].map(([policyName, document]) => ({ policyName, document })),
      permissionsBoundary: user.permissionsBoundary,
    })),
    accessKeys: [...keys].map((key) => ({
      userName: key.userName,
      accessKeyId: key.accessKeyId,
      secretAccessKey: key.secretAccessKey,
      status: key.status,
      createDate: key.createDate.toISOString(),
      lastUsed: key.lastUsed && { ...key.lastUsed, date: key.lastUsed.date.toISOString() },
    })),
  };
}

/**
 * Validates `state` in full, then replaces the contents of the store's maps with it (users keyed by
 * lower-cased name, keys by id, as IamStore keeps them); nothing changes when `state` is refused.
 */
export function importIamState(state: unknown, origin: { accountId: string }, usersByName: Map<string, UserRecord>, keys: Map<string, KeyRecord>): void {
  const document = parseStateDocument('FakeIam', iamStoreStateSchema, state, { accountId: origin.accountId });
  usersByName.clear();
  keys.clear();
  for (const { inlinePolicies, createDate, ...user } of document.users) {
    const policies = new Map(inlinePolicies.map((policy) => [policy.policyName, policy.document]));
    usersByName.set(user.userName.toLowerCase(), { ...user, createDate: dateOf(createDate), policies });
  }
  for (const { createDate, lastUsed, ...key } of document.accessKeys) {
    keys.set(key.accessKeyId, { ...key, createDate: dateOf(createDate), lastUsed: lastUsed && { ...lastUsed, date: dateOf(lastUsed.date) } });
  }
}
