import { accountSecretName, readerUserName } from '../../lambda/contract/names.js';
import { defaultLogSourceName, isOwnedLogSource } from '../../lambda/shared/log-source-body.js';
import type { Sandbox } from '../../local/sandbox/environment.js';

/**
 * What one account looks like across IAM, Secrets Manager and Director at one moment, reduced to
 * ids and facts: the secret parts of keys are compared here and never leave this module, so a
 * snapshot can be printed in a report.
 */

const STAGES = ['AWSCURRENT', 'AWSPREVIOUS', 'AWSPENDING'] as const;
type Stage = (typeof STAGES)[number];

interface SourceView {
  id: string;
  name: string;
  /** `Connector.access_key` as Director stores it. */
  accessKeyId: string | null;
  /** Director's stored `secret_key` equals the secret part in the account secret's AWSCURRENT. */
  secretMatchesCurrent: boolean;
}

export interface AccountSnapshot {
  accountId: string;
  userExists: boolean;
  keys: { accessKeyId: string; status: string }[];
  secret: {
    state: 'absent' | 'scheduled-for-deletion' | 'live';
    /** The access key id each staging label holds (read even when scheduled for deletion). */
    stages: Partial<Record<Stage, string>>;
    /** AWSCURRENT's pair is a real IAM key pair: the secret part is that key's. */
    currentMatchesIam: boolean;
  };
  /** Director log sources of this account: marked as ours for it, or carrying its name. */
  sources: SourceView[];
}

interface KeyPair {
  accessKeyId: string;
  secretAccessKey: string;
}

function pairAt(sandbox: Sandbox, secretName: string, stage: Stage): KeyPair | null {
  let value: string | undefined;
  try {
    value = sandbox.aws.fakes.secretsManager.revealSecretValueForTest(secretName, stage);
  } catch {
    return null;
  }
  if (value === undefined) return null;
  try {
    const parsed = JSON.parse(value) as Partial<KeyPair>;
    return typeof parsed.accessKeyId === 'string' && typeof parsed.secretAccessKey === 'string'
      ? { accessKeyId: parsed.accessKeyId, secretAccessKey: parsed.secretAccessKey }
      : null;
  } catch {
    return null;
  }
}

function iamSecretOf(sandbox: Sandbox, accessKeyId: string): string | null {
  try {
    return sandbox.aws.fakes.iam.revealSecretAccessKeyForTest(accessKeyId);
  } catch {
    return null;
  }
}

export function snapshotAccount(sandbox: Sandbox, accountId: string): AccountSnapshot {
  const userName = readerUserName(accountId);
  const secretName = accountSecretName(accountId);
  const record = sandbox.aws.fakes.secretsManager.secrets().find((secret) => secret.name === secretName);
  const pairs = Object.fromEntries(STAGES.map((stage) => [stage, record === undefined ? null : pairAt(sandbox, secretName, stage)])) as Record<
    Stage,
    KeyPair | null
  >;
  const current = pairs.AWSCURRENT;
  const expectedName = defaultLogSourceName(sandbox.settings, accountId);

  const sources = sandbox.director
    .logSources()
    .filter((source) => isOwnedLogSource(source, accountId) || source.name === expectedName)
    .map((source): SourceView => {
      const id = typeof source.id === 'string' ? source.id : '';
      const connector = (source.config as { Connector?: { access_key?: unknown } } | undefined)?.Connector;
      return {
        id,
        name: typeof source.name === 'string' ? source.name : '',
        accessKeyId: typeof connector?.access_key === 'string' ? connector.access_key : null,
        secretMatchesCurrent: current !== null && sandbox.director.connectorSecretMatches(id, current.secretAccessKey),
      };
    });

  return {
    accountId,
    userExists: sandbox.aws.fakes.iam.users().some((user) => user.userName === userName),
    keys: sandbox.aws.fakes.iam
      .accessKeys()
      .filter((key) => key.userName === userName)
      .map(({ accessKeyId, status }) => ({ accessKeyId, status })),
    secret: {
      state: record === undefined ? 'absent' : record.scheduledForDeletion ? 'scheduled-for-deletion' : 'live',
      stages: Object.fromEntries(STAGES.flatMap((stage) => (pairs[stage] ? [[stage, pairs[stage].accessKeyId]] : []))),
      currentMatchesIam: current !== null && iamSecretOf(sandbox, current.accessKeyId) === current.secretAccessKey,
    },
    sources,
  };
}
