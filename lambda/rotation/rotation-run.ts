import { readAccessKey } from '../shared/account-secret.js';
import type { AccessKeyPair } from '../shared/account-secret.js';
import { promoteSecretVersion, writePendingAccessKey } from '../shared/account-secret-versions.js';
import { OnboardingError } from '../shared/errors.js';
import { awsErrorName, describeAwsError, redactSecrets } from '../shared/ownership.js';
import { listReaderAccessKeyIds } from '../shared/reader-user.js';
import { ErrorCode } from '../contract/error-codes.js';
import { DirectorLogSource } from './director-log-source.js';
import { RotationAbandonedError } from './rotation-errors.js';
import { resolveRotationTarget, type RotationTarget } from './rotation-target.js';
import { DEFAULT_ROTATION_TIMEOUTS } from './rotation-types.js';
import type { KeyRotationContext, RotationRequest, RotationStep, RotationTimeouts } from './rotation-types.js';
import { definedOnly } from '../shared/records.js';

/**
 * State of one step invocation: the keys it saw (for redaction), what it read of the account
 * secret (each value once), and, through {@link DirectorLogSource}, what it did to Director.
 */
export class RotationRun {
  target: RotationTarget | undefined;
  readonly timeouts: RotationTimeouts;
  readonly sleep: (ms: number) => Promise<void>;
  /** The account's log source in Director, as this invocation finds and edits it. */
  readonly logSource: DirectorLogSource;
  private readonly secrets = new Set<string>();
  /** Secret versions read (or written) by this invocation; null: the version holds no value. */
  private readonly versionKeys = new Map<string, AccessKeyPair | null>();
  private currentKeyPair: AccessKeyPair | undefined;

  constructor(
    readonly context: KeyRotationContext,
    readonly request: RotationRequest,
    readonly step: RotationStep,
  ) {
    this.timeouts = { ...DEFAULT_ROTATION_TIMEOUTS, ...definedOnly(context.timeouts ?? {}) };
    this.sleep = context.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    if (request.rotationToken) this.secrets.add(request.rotationToken);
    this.logSource = new DirectorLogSource(this);
  }

  remember<T extends AccessKeyPair>(pair: T): T {
    this.secrets.add(pair.secretAccessKey);
    this.secrets.add(JSON.stringify({ accessKeyId: pair.accessKeyId, secretAccessKey: pair.secretAccessKey }));
    return pair;
  }

  redact(text: string): string {
    return redactSecrets(text, [...this.secrets]);
  }

  log(level: 'info' | 'warn', message: string, attributes: Record<string, unknown>): void {
    const logger = this.context.logger;
    if (logger === undefined) return;
    // Attributes hold ids only; the round trip through redact is a second line of defence.
    const safe = JSON.parse(this.redact(JSON.stringify({ step: this.step, ...attributes }))) as Record<string, unknown>;
    logger[level](this.redact(message), safe);
  }

  describeCause(caught: unknown): { causeCode: string; causeMessage: string } {
    if (caught instanceof OnboardingError) return { causeCode: caught.code, causeMessage: this.redact(caught.message) };
    const awsName = awsErrorName(caught);
    const message = caught instanceof Error ? caught.message : String(caught);
    return { causeCode: ErrorCode.INTERNAL, causeMessage: this.redact(awsName ? `${describeAwsError(caught)}: ${message}` : message) };
  }

  async resolveTarget(): Promise<RotationTarget> {
    this.target = await resolveRotationTarget(this.context, this.request);
    return this.target;
  }

  /**
   * The key pair stored in version `versionId`, or null when that version holds no value (yet).
   * Read once per invocation: a version's value never changes once written, and the only write
   * of this invocation ({@link storePendingKey}) records what it wrote.
   */
  async readVersion(versionId: string): Promise<AccessKeyPair | null> {
    if (!this.versionKeys.has(versionId)) this.versionKeys.set(versionId, await this.readVersionValue(versionId));
    return this.versionKeys.get(versionId) ?? null;
  }

  private async readVersionValue(versionId: string): Promise<AccessKeyPair | null> {
    try {
      return this.remember(await readAccessKey(this.context.secretsManager, this.requireTarget().accountId, { versionId }));
    } catch (error) {
      if (error instanceof OnboardingError && error.code === ErrorCode.SECRET_NOT_FOUND) return null;
      throw error;
    }
  }

  /** The AWSCURRENT key pair, read once per invocation; only {@link promotePendingKey} moves AWSCURRENT meanwhile. */
  async currentKey(): Promise<AccessKeyPair> {
    this.currentKeyPair ??= this.remember(await readAccessKey(this.context.secretsManager, this.requireTarget().accountId));
    return this.currentKeyPair;
  }

  /** Stores `key` as the AWSPENDING version of the rotation (the request's token is its version id). */
  async storePendingKey(target: RotationTarget, key: AccessKeyPair): Promise<void> {
    await writePendingAccessKey(this.context.secretsManager, {
      accountId: target.accountId,
      ...key,
      clientRequestToken: target.versionId,
      rotationToken: this.request.rotationToken,
    });
    this.versionKeys.set(target.versionId, this.remember(key));
  }

  /** Moves AWSCURRENT to the rotation's version, whose key is `pending`. */
  async promotePendingKey(target: RotationTarget, pending: AccessKeyPair): Promise<void> {
    await promoteSecretVersion(this.context.secretsManager, target.accountId, target.versionId, target.description);
    this.currentKeyPair = pending;
  }

  async requirePendingKey(target: RotationTarget): Promise<AccessKeyPair> {
    const pending = await this.readVersion(target.versionId);
    if (pending !== null && !target.isPending) throw new RotationAbandonedError(target.secretName, target.versionId);
    if (pending === null || !target.isPending) {
      throw new OnboardingError(
        ErrorCode.ROTATION_FAILED,
        `Secret ${target.secretName} has no AWSPENDING value for version ${target.versionId}: createSecret has not completed.`,
        { details: { secretName: target.secretName, versionId: target.versionId } },
      );
    }
    return pending;
  }

  async requireKeyOnUser(target: RotationTarget, accessKeyId: string): Promise<void> {
    if ((await listReaderAccessKeyIds(this.context.iam, target.userName)).includes(accessKeyId)) return;
    throw new OnboardingError(
      ErrorCode.ROTATION_FAILED,
      `The pending access key ${accessKeyId} no longer exists on user ${target.userName} (deleted outside this rotation).`,
      { details: { userName: target.userName, accessKeyId } },
    );
  }

  private requireTarget(): RotationTarget {
    if (this.target === undefined) throw new OnboardingError(ErrorCode.INTERNAL, 'The rotation target was used before it was resolved.');
    return this.target;
  }
}
