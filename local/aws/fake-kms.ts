import { randomUUID } from 'node:crypto';
import {
  GetKeyPolicyCommand,
  type GetKeyPolicyCommandInput,
  InvalidArnException,
  type KMSClient,
  KMSServiceException,
  NotFoundException,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import * as z from 'zod';
import { responseMetadata } from './aws-ids.js';
import { FaultPlan, rejectUnemulatedCommands, runCommand, type FaultSource } from './strict-mock.js';

type KmsCommandName = 'GetKeyPolicy';

/** The key policy KMS gives a key created without one: the account's IAM decides who may use it. */
export function defaultKeyPolicy(accountId: string): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'kms:*', Resource: '*' }],
  };
}

const KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):key\/([0-9a-f-]{36}|mrk-[0-9a-f]{32})$/;
const KEY_ID = /^([0-9a-f-]{36}|mrk-[0-9a-f]{32})$/;

const kmsStateSchema = z.strictObject({ keys: z.array(z.strictObject({ keyArn: z.string().regex(KEY_ARN), policy: z.string() })) });
export type KmsState = z.infer<typeof kmsStateSchema>;

/**
 * The KMS keys of one account and their key policies, on one real `KMSClient`: GetKeyPolicy, as the
 * operator's preflight reads it (a key id or key ARN, never an alias; `default` the only policy
 * name). A key of another account answers AccessDeniedException: GetKeyPolicy does not work across
 * accounts ("Cross-account use: No"); which error KMS gives then is not documented, so callers must
 * treat any failure on another account's key alike. Anything else fails loudly (NotEmulatedError).
 * Encryption itself is not emulated: S3's SSE-KMS handling lives in the S3 emulation.
 */
export class FakeKms {
  private readonly faults = new FaultPlan<KmsCommandName>();
  private readonly policies = new Map<string, string>();

  constructor(
    client: KMSClient,
    private readonly options: { accountId: string; region: string },
  ) {
    const mock = mockClient(client);
    rejectUnemulatedCommands(mock, 'FakeKms', 'local/aws/fake-kms.ts');
    mock
      .on(GetKeyPolicyCommand)
      .callsFake((input: GetKeyPolicyCommandInput) =>
        runCommand(this.faults, 'GetKeyPolicy', () => ({ ...this.keyPolicy(input), $metadata: responseMetadata() })),
      );
  }

  /**
   * A new key of this account with `policy` (default: the policy KMS gives a key created without
   * one), under `keyArn` when the caller names it. A key of another account is not this fake's to
   * hold: its ARN comes back unregistered.
   */
  createKey(options: { keyArn?: string | undefined; policy?: Record<string, unknown> | undefined } = {}): string {
    const keyArn = options.keyArn ?? `arn:aws:kms:${this.options.region}:${this.options.accountId}:key/${randomUUID()}`;
    if (KEY_ARN.exec(keyArn)?.[2] === this.options.accountId)
      this.policies.set(keyArn, JSON.stringify(options.policy ?? defaultKeyPolicy(this.options.accountId)));
    return keyArn;
  }

  /** PutKeyPolicy, as the key's administrator would call it. */
  setKeyPolicy(keyArn: string, policy: Record<string, unknown>): void {
    if (!this.policies.has(keyArn)) throw new Error(`FakeKms: no key ${keyArn}.`);
    this.policies.set(keyArn, JSON.stringify(policy));
  }

  failNext(command: KmsCommandName, error: FaultSource, times = 1): void {
    this.faults.failNext(command, error, times);
  }

  exportState(): KmsState {
    return { keys: [...this.policies].map(([keyArn, policy]) => ({ keyArn, policy })) };
  }

  importState(state: unknown): void {
    const parsed = kmsStateSchema.safeParse(state);
    if (!parsed.success) throw new Error(`FakeKms cannot import this state: ${z.prettifyError(parsed.error)}`);
    this.policies.clear();
    for (const { keyArn, policy } of parsed.data.keys) this.policies.set(keyArn, policy);
  }

  private keyPolicy(input: GetKeyPolicyCommandInput): { Policy: string; PolicyName: string } {
    const keyArn = this.resolve(input.KeyId ?? '');
    if ((input.PolicyName ?? 'default') !== 'default')
      throw new NotFoundException({ message: `Policy ${input.PolicyName} does not exist.`, $metadata: metadata() });
    const policy = this.policies.get(keyArn);
    if (policy === undefined) throw new NotFoundException({ message: `Key '${keyArn}' does not exist`, $metadata: metadata() });
    return { Policy: policy, PolicyName: 'default' };
  }

  private resolve(keyId: string): string {
    if (KEY_ID.test(keyId)) return `arn:aws:kms:${this.options.region}:${this.options.accountId}:key/${keyId}`;
    const match = KEY_ARN.exec(keyId);
    if (match === null) throw new InvalidArnException({ message: `${keyId} is not a key id or key ARN.`, $metadata: metadata() });
    if (match[2] !== this.options.accountId) {
      throw new KMSServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        message: `GetKeyPolicy is not allowed on key ${keyId} of another account.`,
        $metadata: metadata(),
      });
    }
    return keyId;
  }
}

function metadata(): { httpStatusCode: number; requestId: string } {
  return { httpStatusCode: 400, requestId: randomUUID() };
}
