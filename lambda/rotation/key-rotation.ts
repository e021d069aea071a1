import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AccessCheck, BucketFacts } from '../onboarding/workflow-contract.js';
import { checkTrailBucket, verifyReaderAccess } from '../shared/trail-bucket.js';
import { describeAccountSecret, secretNotOwned, readAccessKey, readAccessKeyId, tagAccountSecret } from '../shared/account-secret.js';
import type { AccessKeyPair, AccountSecretDescription } from '../shared/account-secret.js';
import {
  DirectorAuthError,
  DirectorForbiddenError,
  DirectorNotFoundError,
  DirectorOrderFailedError,
  DirectorValidationError,
} from '../director/index.js';
import type { DirectorClient, DirectorLogger, LogSourceRecord, OrderReference } from '../director/index.js';
import { OnboardingError } from '../shared/errors.js';
import { connectorOf, findOwnedLogSource, type OwnedLogSource } from '../shared/owned-log-source.js';
import { buildLogSourceWrite } from '../shared/log-source-write.js';
import type { S3FetcherLogSource } from '../shared/log-source-body.js';
import { resolveOnboardingRequest } from '../onboarding/request.js';
import { awsErrorName, describeAwsError, redactSecrets } from '../shared/ownership.js';
import { createAccessKeyWithinLimit, deleteReaderAccessKey, findOwnedReaderUser, listReaderAccessKeyIds } from '../shared/reader-user.js';
import type { RuntimeSettings } from '../contract/runtime-settings.js';
import { ErrorCode } from '../contract/error-codes.js';
import { ACCOUNT_SECRET_PREFIX, TagKey } from '../contract/names.js';
import { EVENT_SOURCE, KeyRotationEventType } from '../contract/events.js';
import { promoteSecretVersion, removePendingLabel, writePendingAccessKey } from '../shared/account-secret-versions.js';

/**
 * Zero-downtime rotation of an account's reader access key through Secrets Manager rotation of
 * the account secret `logpoint/cloudtrail/<account>`, in the four standard steps:
 *
 * 1. createSecret — a second IAM key (making room by deleting only an idle key that is not the
 *    AWSCURRENT one, so the user never holds more than two) stored as the AWSPENDING version.
 * 2. setSecret — `PUT` of the account's log source in Director with the pending key (the same edit
 *    body the onboarding sends, keeping the source's name and filter date), waiting for its order.
 * 3. testSecret — with the pending key, list and read one CloudTrail log object, retrying for a
 *    bounded time while IAM propagates the new key.
 * 4. finishSecret — only when Director uses the pending key: AWSCURRENT moves to it (AWSPREVIOUS
 *    follows), then the old IAM key is deleted. `Key Rotation Succeeded` is published.
 *
 * Every step may be invoked again with the same token (Secrets Manager retries after a failure or
 * a timeout) and then finds its work done. A version that already carries AWSCURRENT makes
 * createSecret, setSecret and testSecret no-ops.
 *
 * On a failure in setSecret or testSecret the rotation is rolled back: Director is put back on
 * the AWSCURRENT key when it may have the new one, only then is the new key deleted and the
 * AWSPENDING label removed. When Director cannot be put back, the new key and the label stay (the
 * key may be in use; a retry of the rotation can finish forward or roll back again), and the
 * report says so. Every failure publishes `Key Rotation Failed` and is rethrown as
 * {@link KeyRotationError}: code ROTATION_FAILED, with the cause's code in `details.causeCode`, so
 * one alarm and one log query cover every rotation failure while the cause stays visible.
 *
 * No secret value leaves this module: messages are redacted against every key this run read.
 */

export const RotationStep = {
  CreateSecret: 'createSecret',
  SetSecret: 'setSecret',
  TestSecret: 'testSecret',
  FinishSecret: 'finishSecret',
} as const;
export type RotationStep = (typeof RotationStep)[keyof typeof RotationStep];
export const ROTATION_STEPS: readonly RotationStep[] = Object.values(RotationStep);

export interface RotationTimeouts {
  /** Longest wait for one Director order (the switch, and again a restoring edit on rollback). */
  orderDeadlineMs: number;
  orderInitialDelayMs: number;
  orderMaxDelayMs: number;
  /** How long testSecret keeps retrying while S3 refuses the new key (IAM propagation). */
  propagationBudgetMs: number;
  propagationInitialDelayMs: number;
  propagationMaxDelayMs: number;
}

export const DEFAULT_ROTATION_TIMEOUTS: RotationTimeouts = {
  orderDeadlineMs: 120_000,
  orderInitialDelayMs: 1_000,
  orderMaxDelayMs: 10_000,
  propagationBudgetMs: 90_000,
  propagationInitialDelayMs: 2_000,
  propagationMaxDelayMs: 15_000,
};

export interface KeyRotationContext {
  iam: IAMClient;
  secretsManager: SecretsManagerClient;
  eventBridge: EventBridgeClient;
  /** Built on first use: createSecret never talks to Director. */
  director: () => DirectorClient;
  /** S3 with the function's own role, for the trail bucket's facts. */
  s3: S3Client;
  /** S3 signing with a reader key, for proving that key works. */
  s3ForCredentials: (credentials: AccessKeyPair, region: string) => S3Client;
  settings: RuntimeSettings;
  now: () => Date;
  sleep?: (ms: number) => Promise<void>;
  logger?: DirectorLogger;
  timeouts?: Partial<RotationTimeouts>;
  /** Name or ARN of the event bus; the account's default bus when omitted. */
  eventBusName?: string;
}

/** What Secrets Manager sends to a rotation function, minus the step. */
export interface RotationRequest {
  secretId: string;
  clientRequestToken: string;
  /** Sensitive per the Secrets Manager docs: passed through to PutSecretValue, never logged. */
  rotationToken?: string | undefined;
}

export interface RotationStepRequest extends RotationRequest {
  step: RotationStep;
}

export type RotationAction =
  | 'created'
  | 'already-created'
  | 'director-updated'
  | 'director-already-updated'
  | 'verified'
  | 'promoted'
  | 'already-current';

/** A step's secret-free outcome; `already-*` means a retry found the work done. */
export interface RotationStepResult {
  step: RotationStep;
  accountId: string;
  secretName: string;
  /** The rotation's ClientRequestToken, i.e. the id of the new secret version. */
  versionId: string;
  action: RotationAction;
  accessKeyId?: string;
  logSourceId?: string;
  orderRequestId?: string;
  objectKey?: string;
  retiredAccessKeyIds?: string[];
  /** testSecret found no pending value (Secrets Manager testing the configuration) and tested the current key. */
  testedCurrentKey?: boolean;
}

/** What a rollback did; `complete: false` leaves the new key and the AWSPENDING label in place. */
export interface RotationRollback {
  /** `restored`: Director was put back on the AWSCURRENT key; `failed`: that edit did not succeed. */
  director: 'not-needed' | 'restored' | 'failed';
  deletedAccessKeyId: string | null;
  pendingLabelRemoved: boolean;
  complete: boolean;
  problems: string[];
}

/** Every rotation failure: code ROTATION_FAILED, the cause's code and the rollback in `details`. */
export class KeyRotationError extends OnboardingError {
  readonly step: RotationStep;
  readonly causeCode: string;

  constructor(facts: {
    step: RotationStep;
    secretId: string;
    accountId: string | null;
    causeCode: string;
    causeMessage: string;
    rollback?: RotationRollback;
  }) {
    const rollback = facts.rollback;
    const rollbackNote =
      rollback === undefined
        ? ''
        : rollback.complete
          ? ' The rotation was rolled back: Director and the secret keep the current key.'
          : ` The rollback is incomplete (${rollback.problems.join('; ')}); the new key and the AWSPENDING label were kept.`;
    super(ErrorCode.ROTATION_FAILED, `Key rotation of ${facts.secretId} failed in ${facts.step}: [${facts.causeCode}] ${facts.causeMessage}${rollbackNote}`, {
      details: {
        step: facts.step,
        secretId: facts.secretId,
        accountId: facts.accountId,
        causeCode: facts.causeCode,
        ...(rollback === undefined ? {} : { rollback }),
      },
    });
    this.step = facts.step;
    this.causeCode = facts.causeCode;
  }
}

/** A step called again for a version whose rotation was already rolled back: nothing to undo or report again. */
class RotationAbandonedError extends OnboardingError {
  constructor(secretName: string, versionId: string) {
    super(
      ErrorCode.ROTATION_FAILED,
      `Version ${versionId} of ${secretName} belongs to a rotation that was rolled back; rotate the secret again to start a new one.`,
      { details: { secretName, versionId } },
    );
  }
}

// ---- Steps -----------------------------------------------------------------------------------

/** Runs the step Secrets Manager asked for. */
export function runRotationStep(context: KeyRotationContext, request: RotationStepRequest): Promise<RotationStepResult> {
  switch (request.step) {
    case RotationStep.CreateSecret:
      return createSecretStep(context, request);
    case RotationStep.SetSecret:
      return setSecretStep(context, request);
    case RotationStep.TestSecret:
      return testSecretStep(context, request);
    case RotationStep.FinishSecret:
      return finishSecretStep(context, request);
  }
}

/** createSecret: a new IAM key, stored as the AWSPENDING version; nothing else changes. */
export function createSecretStep(context: KeyRotationContext, request: RotationRequest): Promise<RotationStepResult> {
  return execute(context, request, RotationStep.CreateSecret, 'report-only', async (run, target) => {
    if (target.isCurrent) return { action: 'already-current' };
    const existing = await run.readVersion(target.versionId);
    if (existing !== null) {
      if (!target.isPending) throw new RotationAbandonedError(target.secretName, target.versionId);
      return { action: 'already-created', accessKeyId: existing.accessKeyId };
    }
    const { iam, secretsManager } = context;
    const current = run.remember(await readAccessKey(secretsManager, target.accountId));
    const key = run.remember(
      await createAccessKeyWithinLimit(iam, {
        userName: target.userName,
        protectedAccessKeyIds: [current.accessKeyId],
        secretName: target.secretName,
      }),
    );
    try {
      await writePendingAccessKey(secretsManager, {
        accountId: target.accountId,
        ...key,
        clientRequestToken: target.versionId,
        rotationToken: run.request.rotationToken,
      });
    } catch (error) {
      // A key nobody can read is only a liability (and takes one of the user's two slots).
      try {
        await deleteReaderAccessKey(iam, target.userName, key.accessKeyId);
      } catch (cleanup) {
        run.log('warn', 'Could not delete the new access key after storing it failed', {
          accessKeyId: key.accessKeyId,
          awsError: describeAwsError(cleanup),
        });
      }
      throw error;
    }
    return { action: 'created', accessKeyId: key.accessKeyId };
  });
}

/** setSecret: Director's log source switches to the pending key; the step returns after its order succeeded. */
export function setSecretStep(context: KeyRotationContext, request: RotationRequest): Promise<RotationStepResult> {
  return execute(context, request, RotationStep.SetSecret, 'roll-back', async (run, target) => {
    if (target.isCurrent) return { action: 'already-current' };
    const pending = await run.requirePendingKey(target);
    await run.requireKeyOnUser(target, pending.accessKeyId);
    const source = await run.requireLogSource(target);
    if (connectorAccessKey(source) === pending.accessKeyId) {
      return { action: 'director-already-updated', accessKeyId: pending.accessKeyId, logSourceId: source.id };
    }
    const order = await run.editDirector(target, source, pending, 'switch');
    await run.recordOrder(target, order);
    return { action: 'director-updated', accessKeyId: pending.accessKeyId, logSourceId: source.id, orderRequestId: order.requestId };
  });
}

/**
 * testSecret: the pending key lists and reads one log object. Without a pending value (Secrets
 * Manager testing the configuration after RotateSecret with RotateImmediately=false) the current
 * key is tested instead, which proves the same set-up.
 */
export function testSecretStep(context: KeyRotationContext, request: RotationRequest): Promise<RotationStepResult> {
  return execute(context, request, RotationStep.TestSecret, 'roll-back', async (run, target) => {
    if (target.isCurrent) return { action: 'already-current' };
    const pending = await run.readVersion(target.versionId);
    if (pending !== null && !target.isPending) throw new RotationAbandonedError(target.secretName, target.versionId);
    const key = pending ?? run.remember(await readAccessKey(context.secretsManager, target.accountId));
    const facts = await run.bucketFacts(target);
    const access = await run.verifyDuringPropagation(key, facts);
    return { action: 'verified', accessKeyId: key.accessKeyId, objectKey: access.objectKey, testedCurrentKey: pending === null };
  });
}

/**
 * finishSecret: once Director is proven to use the pending key, AWSCURRENT moves to it, the old
 * key is deleted and the AWSPENDING label is taken off. Called again after that, it only makes
 * sure the old (AWSPREVIOUS) key is gone.
 */
export function finishSecretStep(context: KeyRotationContext, request: RotationRequest): Promise<RotationStepResult> {
  return execute(context, request, RotationStep.FinishSecret, 'report-only', async (run, target) => {
    const { iam, secretsManager } = context;
    if (target.isCurrent) {
      const current = run.remember(await readAccessKey(secretsManager, target.accountId));
      const retired = await run.retirePreviousKey(target, current.accessKeyId);
      await removePendingLabel(secretsManager, target.accountId, target.versionId, { evenIfCurrent: true }, target.description);
      await run.publishSucceeded(target, { accessKeyId: current.accessKeyId, retiredAccessKeyIds: retired, logSourceId: null });
      return { action: 'already-current', accessKeyId: current.accessKeyId, retiredAccessKeyIds: retired };
    }
    const pending = await run.requirePendingKey(target);
    const current = run.remember(await readAccessKey(secretsManager, target.accountId));
    await run.requireKeyOnUser(target, pending.accessKeyId);
    const source = await run.requireLogSource(target);
    const directorKey = connectorAccessKey(source);
    if (directorKey !== pending.accessKeyId) {
      // Promoting now would make the secret disagree with Director; deleting the old key would stop it.
      throw new OnboardingError(
        ErrorCode.ROTATION_FAILED,
        `Director's log source ${source.id} uses access key ${directorKey ?? '(none)'}, not the pending key ${pending.accessKeyId}: ` +
          'setSecret has not completed. The rotation stays pending; Secrets Manager retries it.',
        { details: { logSourceId: source.id, directorAccessKeyId: directorKey ?? null, pendingAccessKeyId: pending.accessKeyId } },
      );
    }
    await promoteSecretVersion(secretsManager, target.accountId, target.versionId, target.description);
    const retired: string[] = [];
    if (current.accessKeyId !== pending.accessKeyId) {
      await deleteReaderAccessKey(iam, target.userName, current.accessKeyId);
      retired.push(current.accessKeyId);
    }
    await removePendingLabel(secretsManager, target.accountId, target.versionId, { evenIfCurrent: true }, target.description);
    await run.publishSucceeded(target, { accessKeyId: pending.accessKeyId, retiredAccessKeyIds: retired, logSourceId: source.id });
    return { action: 'promoted', accessKeyId: pending.accessKeyId, logSourceId: source.id, retiredAccessKeyIds: retired };
  });
}

// ---- One invocation --------------------------------------------------------------------------

interface RotationTarget {
  accountId: string;
  secretName: string;
  secretArn: string;
  userName: string;
  versionId: string;
  isCurrent: boolean;
  isPending: boolean;
  description: AccountSecretDescription;
}

type StepOutcome = Omit<RotationStepResult, 'step' | 'accountId' | 'secretName' | 'versionId'>;

/** 'roll-back': a failure undoes what the rotation changed; 'report-only': it is reported and rethrown. */
type FailureHandling = 'roll-back' | 'report-only';

async function execute(
  context: KeyRotationContext,
  request: RotationRequest,
  step: RotationStep,
  onFailure: FailureHandling,
  body: (run: RotationRun, target: RotationTarget) => Promise<StepOutcome>,
): Promise<RotationStepResult> {
  const run = new RotationRun(context, request, step);
  try {
    const target = await run.resolveTarget();
    const outcome = await body(run, target);
    const result: RotationStepResult = { step, accountId: target.accountId, secretName: target.secretName, versionId: target.versionId, ...outcome };
    run.log('info', `Rotation step ${step}: ${outcome.action}`, { ...result });
    return result;
  } catch (caught) {
    const cause = run.describeCause(caught);
    const accountId = run.target?.accountId ?? accountIdOfSecretId(request.secretId);
    if (caught instanceof RotationAbandonedError) {
      throw new KeyRotationError({ step, secretId: request.secretId, accountId, ...cause });
    }
    const rollback = onFailure === 'roll-back' && run.target !== undefined ? await run.rollBack(run.target) : undefined;
    const error = new KeyRotationError({ step, secretId: request.secretId, accountId, ...cause, ...(rollback === undefined ? {} : { rollback }) });
    await run.publish(KeyRotationEventType.Failed, {
      accountId,
      secretName: run.target?.secretName ?? request.secretId,
      step,
      versionId: request.clientRequestToken,
      errorCode: cause.causeCode,
      errorMessage: cause.causeMessage,
      ...(rollback === undefined ? {} : { rollback }),
    });
    throw error;
  }
}

/** State of one step invocation: the keys it saw (for redaction) and what it did to Director. */
class RotationRun {
  target: RotationTarget | undefined;
  /** `unknown`: an edit was sent but its outcome is not known, so a rollback must restore. */
  private directorState: 'untouched' | 'switched' | 'unknown' = 'untouched';
  private logSource: OwnedLogSource | undefined;
  private readonly secrets = new Set<string>();
  private readonly timeouts: RotationTimeouts;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    readonly context: KeyRotationContext,
    readonly request: RotationRequest,
    readonly step: RotationStep,
  ) {
    this.timeouts = { ...DEFAULT_ROTATION_TIMEOUTS, ...definedOnly(context.timeouts ?? {}) };
    this.sleep = context.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    if (request.rotationToken) this.secrets.add(request.rotationToken);
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
    const { secretId, clientRequestToken } = this.request;
    const accountId = accountIdOfSecretId(secretId);
    if (accountId === null) {
      throw new OnboardingError(ErrorCode.INVALID_INPUT, `${secretId} is not an account secret of this product (${ACCOUNT_SECRET_PREFIX}<12-digit account id>).`, {
        details: { secretId },
      });
    }
    const description = await describeAccountSecret(this.context.secretsManager, accountId);
    if (description === null || description.scheduledForDeletion) {
      throw new OnboardingError(ErrorCode.SECRET_NOT_FOUND, `Secret ${secretId} does not exist or is scheduled for deletion.`, { details: { secretId } });
    }
    if (!description.owned) throw secretNotOwned(description.secretName, accountId);
    if (secretId.startsWith('arn:') && !sameSecretArn(secretId, description.secretArn)) {
      throw new OnboardingError(ErrorCode.INVALID_INPUT, `${secretId} does not name secret ${description.secretArn}.`, { details: { secretId } });
    }
    if (description.currentVersionId === null) {
      throw new OnboardingError(ErrorCode.SECRET_INVALID, `Secret ${description.secretName} has no AWSCURRENT version to rotate from.`, {
        details: { secretName: description.secretName },
      });
    }
    const user = await findOwnedReaderUser(this.context.iam, accountId);
    if (user === null) {
      throw new OnboardingError(
        ErrorCode.ROTATION_FAILED,
        `The reader user of account ${accountId} does not exist, so its key cannot be rotated; onboard the account again.`,
        { details: { accountId } },
      );
    }
    const labels = description.versionStages[clientRequestToken] ?? [];
    this.target = {
      accountId,
      secretName: description.secretName,
      secretArn: description.secretArn,
      userName: user.userName,
      versionId: clientRequestToken,
      isCurrent: labels.includes('AWSCURRENT'),
      isPending: labels.includes('AWSPENDING'),
      description,
    };
    return this.target;
  }

  /** The key pair stored in version `versionId`, or null when that version holds no value (yet). */
  async readVersion(versionId: string): Promise<AccessKeyPair | null> {
    const { secretsManager } = this.context;
    try {
      return this.remember(await readAccessKey(secretsManager, this.requireTarget().accountId, { versionId }));
    } catch (error) {
      if (error instanceof OnboardingError && error.code === ErrorCode.SECRET_NOT_FOUND) return null;
      throw error;
    }
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

  private logSourceName(target: RotationTarget): string {
    return resolveOnboardingRequest({ accountId: target.accountId }, this.context.settings).logSourceName;
  }

  async findLogSource(target: RotationTarget): Promise<OwnedLogSource | null> {
    this.logSource ??=
      (await findOwnedLogSource(
        { director: this.context.director(), secretsManager: this.context.secretsManager },
        { accountId: target.accountId, logSourceName: this.logSourceName(target) },
        target.description,
      )) ?? undefined;
    return this.logSource ?? null;
  }

  async requireLogSource(target: RotationTarget): Promise<OwnedLogSource> {
    const source = await this.findLogSource(target);
    if (source !== null) return source;
    throw new OnboardingError(
      ErrorCode.LOG_SOURCE_NOT_FOUND,
      `Director has no log source of account ${target.accountId} (neither the id tagged on ${target.secretName} nor the name ` +
        `"${this.logSourceName(target)}"), so there is nothing to give the new key to. Onboard the account, then rotate again.`,
      { details: { accountId: target.accountId, logSourceName: this.logSourceName(target) } },
    );
  }

  /** Sends the seed's edit body with `key` and waits for its order; `switch` records what Director may now hold. */
  async editDirector(target: RotationTarget, source: OwnedLogSource, key: AccessKeyPair, purpose: 'switch' | 'restore'): Promise<OrderReference> {
    const director = this.context.director();
    const body = await this.editBody(target, source, key);
    let order: OrderReference;
    try {
      order = await director.editLogSource(source.id, body);
    } catch (error) {
      if (purpose === 'switch' && !isDefiniteRefusal(error)) this.directorState = 'unknown';
      throw error;
    }
    if (purpose === 'switch') this.directorState = 'unknown';
    try {
      await director.waitForOrder(order, {
        deadlineMs: this.timeouts.orderDeadlineMs,
        initialDelayMs: this.timeouts.orderInitialDelayMs,
        maxDelayMs: this.timeouts.orderMaxDelayMs,
      });
    } catch (error) {
      // A failed order changes nothing in Director; a timeout may still complete later.
      if (purpose === 'switch' && error instanceof DirectorOrderFailedError) this.directorState = 'untouched';
      throw error;
    }
    if (purpose === 'switch') this.directorState = 'switched';
    this.log('info', purpose === 'switch' ? 'Director now uses the pending key' : 'Director is back on the current key', {
      logSourceId: source.id,
      accessKeyId: key.accessKeyId,
      orderRequestId: order.requestId,
    });
    return order;
  }

  /** The onboarding's edit body, keeping what the source already has: name, bucket, region and filter date. */
  private async editBody(target: RotationTarget, source: OwnedLogSource, key: AccessKeyPair): Promise<S3FetcherLogSource> {
    const location = this.bucketLocation(source);
    if (location.bucketRegion === undefined) {
      throw new OnboardingError(
        ErrorCode.CONFIG_INVALID,
        `Log source ${source.id} records no bucket region and the configuration sets none (trail.bucketRegion).`,
        { details: { logSourceId: source.id } },
      );
    }
    return buildLogSourceWrite(
      { director: this.context.director(), logSource: this.context.settings.logSource, now: this.context.now },
      { accountId: target.accountId, name: source.name, bucketName: location.bucketName, bucketRegion: location.bucketRegion, key },
      source,
    );
  }

  /** The bucket Director reads, as its log source records it; the configured trail otherwise. */
  private bucketLocation(source: OwnedLogSource | null): { bucketName: string; bucketRegion: string | undefined } {
    const { trail } = this.context.settings;
    const connector = source === null ? {} : connectorOf(source);
    const bucketName = nonEmpty(connector.bucket_name) ?? trail.bucketName;
    const bucketRegion = nonEmpty(connector.region_name) ?? (bucketName === trail.bucketName ? trail.bucketRegion : undefined);
    return { bucketName, bucketRegion };
  }

  /** Best effort: the last order on the secret's tags helps an operator; its absence breaks nothing. */
  async recordOrder(target: RotationTarget, order: OrderReference): Promise<void> {
    try {
      await tagAccountSecret(this.context.secretsManager, target.accountId, { lastOrder: order.requestId }, target.description);
    } catch (error) {
      this.log('warn', `Could not record order ${order.requestId} on ${target.secretName}`, { awsError: describeAwsError(error) });
    }
  }

  async bucketFacts(target: RotationTarget): Promise<BucketFacts> {
    const { settings, s3 } = this.context;
    const location = this.bucketLocation(await this.findLogSource(target));
    // The configured prefix belongs to the configured bucket only, as in the onboarding's request.
    const sameBucket = location.bucketName === settings.trail.bucketName;
    return checkTrailBucket(s3, {
      accountId: target.accountId,
      bucketName: location.bucketName,
      bucketRegion: location.bucketRegion,
      trailPrefix: sameBucket ? settings.trail.trailPrefix : undefined,
      organizationId: settings.trail.organizationId,
    });
  }

  /** verifyReaderAccess, repeated with growing pauses while S3 refuses a key IAM has not propagated yet. */
  async verifyDuringPropagation(key: AccessKeyPair, facts: BucketFacts): Promise<AccessCheck> {
    const { propagationBudgetMs, propagationInitialDelayMs, propagationMaxDelayMs } = this.timeouts;
    const s3 = this.context.s3ForCredentials(key, facts.bucketRegion);
    let waitedMs = 0;
    let delayMs = propagationInitialDelayMs;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await verifyReaderAccess(s3, facts);
      } catch (error) {
        if (!(error instanceof OnboardingError && error.code === ErrorCode.ACCESS_NOT_YET_EFFECTIVE)) throw error;
        const pauseMs = Math.min(delayMs, propagationBudgetMs - waitedMs);
        if (pauseMs <= 0) {
          throw new OnboardingError(ErrorCode.ACCESS_NOT_YET_EFFECTIVE, `${error.message} Still refused after ${attempt} attempts over ${waitedMs} ms.`, {
            details: { ...error.details, accessKeyId: key.accessKeyId, attempts: attempt, waitedMs },
          });
        }
        this.log('info', 'S3 does not accept the key yet; waiting for IAM to propagate it', { accessKeyId: key.accessKeyId, attempt, pauseMs });
        await this.sleep(pauseMs);
        waitedMs += pauseMs;
        delayMs = Math.min(propagationMaxDelayMs, delayMs * 2);
      }
    }
  }

  /** Deletes the key of the AWSPREVIOUS version, unless it is the current key or already gone. */
  async retirePreviousKey(target: RotationTarget, currentAccessKeyId: string): Promise<string[]> {
    const { previousVersionId } = target.description;
    if (previousVersionId === null) return [];
    const previousKeyId = await readAccessKeyId(this.context.secretsManager, target.accountId, { versionId: previousVersionId });
    if (previousKeyId === null || previousKeyId === currentAccessKeyId) return [];
    if (!(await listReaderAccessKeyIds(this.context.iam, target.userName)).includes(previousKeyId)) return [];
    await deleteReaderAccessKey(this.context.iam, target.userName, previousKeyId);
    return [previousKeyId];
  }

  /**
   * Undoes the rotation, in an order that never leaves Director without a working key: Director
   * back on the current key (when it may hold the new one), then the new key, then the label.
   * Stops at the first problem and says what was left.
   */
  async rollBack(target: RotationTarget): Promise<RotationRollback> {
    const report: RotationRollback = { director: 'not-needed', deletedAccessKeyId: null, pendingLabelRemoved: false, complete: false, problems: [] };
    try {
      const pending = await this.readVersion(target.versionId);
      const current = this.remember(await readAccessKey(this.context.secretsManager, target.accountId));
      if (pending !== null && pending.accessKeyId !== current.accessKeyId) {
        // 'failed' until proven otherwise: an unanswered lookup is as bad as a failed restore.
        report.director = 'failed';
        if (await this.directorMayHold(target, pending.accessKeyId)) {
          await this.editDirector(target, await this.requireLogSource(target), current, 'restore');
          report.director = 'restored';
        } else {
          report.director = 'not-needed';
        }
        if ((await listReaderAccessKeyIds(this.context.iam, target.userName)).includes(pending.accessKeyId)) {
          await deleteReaderAccessKey(this.context.iam, target.userName, pending.accessKeyId);
          report.deletedAccessKeyId = pending.accessKeyId;
        }
      }
      report.pendingLabelRemoved = await removePendingLabel(this.context.secretsManager, target.accountId, target.versionId, {}, target.description);
      report.complete = true;
    } catch (error) {
      report.problems.push(this.describeCause(error).causeMessage);
    }
    this.log(report.complete ? 'info' : 'warn', report.complete ? 'Rotation rolled back' : 'Rotation rollback incomplete', { rollback: report });
    return report;
  }

  private async directorMayHold(target: RotationTarget, accessKeyId: string): Promise<boolean> {
    if (this.directorState !== 'untouched') return true;
    // A fresh lookup: an earlier step of this rotation may have switched Director.
    this.logSource = undefined;
    let source: OwnedLogSource | null;
    try {
      source = await this.findLogSource(target);
    } catch (error) {
      // A source that is not ours was never edited by a rotation, so it cannot hold the new key.
      if (error instanceof OnboardingError && error.code === ErrorCode.NOT_OWNED) return false;
      throw error;
    }
    return source !== null && connectorAccessKey(source) === accessKeyId;
  }

  async publishSucceeded(
    target: RotationTarget,
    facts: { accessKeyId: string; retiredAccessKeyIds: string[]; logSourceId: string | null },
  ): Promise<void> {
    await this.publish(KeyRotationEventType.Succeeded, {
      accountId: target.accountId,
      secretName: target.secretName,
      versionId: target.versionId,
      accessKeyId: facts.accessKeyId,
      retiredAccessKeyIds: facts.retiredAccessKeyIds,
      logSourceId: facts.logSourceId ?? target.description.tags[TagKey.logSourceId] ?? null,
    });
  }

  /** Events are notifications: a failure to publish is logged, never allowed to change the rotation's outcome. */
  async publish(detailType: string, detail: Record<string, unknown>): Promise<void> {
    const { eventBridge, eventBusName } = this.context;
    try {
      const output = await eventBridge.send(
        new PutEventsCommand({
          Entries: [
            {
              Source: EVENT_SOURCE,
              DetailType: detailType,
              Detail: this.redact(JSON.stringify(detail)),
              ...(eventBusName === undefined ? {} : { EventBusName: eventBusName }),
            },
          ],
        }),
      );
      if ((output.FailedEntryCount ?? 0) > 0) {
        this.log('warn', `EventBridge refused the ${detailType} event`, { errorCode: output.Entries?.[0]?.ErrorCode ?? null });
      }
    } catch (error) {
      this.log('warn', `Could not publish the ${detailType} event`, { awsError: describeAwsError(error) });
    }
  }

  private requireTarget(): RotationTarget {
    if (this.target === undefined) throw new OnboardingError(ErrorCode.INTERNAL, 'The rotation target was used before it was resolved.');
    return this.target;
  }
}

// ---- Small helpers ---------------------------------------------------------------------------

const ACCOUNT_SECRET_NAME = /^logpoint\/cloudtrail\/(\d{12})(?:-[A-Za-z0-9]{6})?$/;

/** The account of `logpoint/cloudtrail/<account>` given by name or (partial or full) ARN, else null. */
export function accountIdOfSecretId(secretId: string): string | null {
  const name = secretId.startsWith('arn:') ? secretId.split(':secret:')[1] ?? '' : secretId;
  return ACCOUNT_SECRET_NAME.exec(name)?.[1] ?? null;
}

/** A full ARN, or one without the random six-character suffix, names the secret. */
function sameSecretArn(given: string, actual: string): boolean {
  return given === actual || given === actual.slice(0, -7);
}

/** An edit Director refused before accepting it: nothing changed there. */
function isDefiniteRefusal(error: unknown): boolean {
  return (
    error instanceof DirectorValidationError ||
    error instanceof DirectorForbiddenError ||
    error instanceof DirectorAuthError ||
    error instanceof DirectorNotFoundError
  );
}

function connectorAccessKey(source: LogSourceRecord): string | undefined {
  return nonEmpty(connectorOf(source).access_key);
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function definedOnly<T extends object>(value: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
