import { tagAccountSecret } from '../shared/account-secret-tags.js';
import { describeAccountSecret } from '../shared/account-secret.js';
import { directorKeyRecordOf, directorSwitchValue, recordDirectorWrite, type DirectorSwitch } from '../shared/director-key-record.js';
import type { AccessKeyPair } from '../shared/account-secret.js';
import { DirectorAuthError, DirectorForbiddenError, DirectorNotFoundError, DirectorOrderFailedError, DirectorValidationError } from '../director/index.js';
import type { DirectorClient, LogSourceRecord, OrderReference } from '../director/index.js';
import { OnboardingError } from '../shared/errors.js';
import { buildLogSourceWrite } from '../shared/log-source-write.js';
import type { S3FetcherLogSource } from '../shared/log-source-body.js';
import { connectorOf, findOwnedLogSource, type OwnedLogSource } from '../shared/owned-log-source.js';
import { describeAwsError } from '../shared/ownership.js';
import { defaultLogSourceName } from '../shared/log-source-body.js';
import type { TrailSettings } from '../contract/runtime-settings.js';
import { ErrorCode } from '../contract/error-codes.js';
import type { KeyRotationContext, RotationTimeouts } from './rotation-types.js';
import type { RotationTarget } from './rotation-target.js';

/**
 * The account's log source in Director as one step invocation finds, edits and restores it, and
 * what that invocation may have changed there (which decides whether a rollback must restore).
 */
/** What the Director part needs of the invocation it belongs to (the rotation run). */
export interface RotationRunView {
  readonly context: KeyRotationContext;
  readonly timeouts: RotationTimeouts;
  log(level: 'info' | 'warn', message: string, attributes: Record<string, unknown>): void;
}

export class DirectorLogSource {
  /** `unknown`: an edit was sent but its outcome is not known, so a rollback must restore. */
  private state: 'untouched' | 'switched' | 'unknown' = 'untouched';
  private found: OwnedLogSource | undefined;
  /** When this invocation sent a write that Director refused or whose order failed: its record on the secret means nothing. */
  private refusedWriteAt: string | undefined;
  private client: DirectorClient | undefined;

  constructor(private readonly run: RotationRunView) {}

  /** One client per invocation: a new one would read the Director credential secret again. */
  private director(): DirectorClient {
    this.client ??= this.run.context.director();
    return this.client;
  }

  private logSourceName(target: RotationTarget): string {
    return defaultLogSourceName(this.run.context.settings, target.accountId);
  }

  async find(target: RotationTarget): Promise<OwnedLogSource | null> {
    this.found ??=
      (await findOwnedLogSource(
        { director: this.director(), secretsManager: this.run.context.secretsManager },
        { accountId: target.accountId, logSourceName: this.logSourceName(target) },
        target.description,
      )) ?? undefined;
    return this.found ?? null;
  }

  async require(target: RotationTarget): Promise<OwnedLogSource> {
    const source = await this.find(target);
    if (source !== null) return source;
    throw new OnboardingError(
      ErrorCode.LOG_SOURCE_NOT_FOUND,
      `Director has no log source of account ${target.accountId} (neither the id tagged on ${target.secretName} nor the name ` +
        `"${this.logSourceName(target)}"), so there is nothing to give the new key to. Onboard the account, then rotate again.`,
      { details: { accountId: target.accountId, logSourceName: this.logSourceName(target) } },
    );
  }

  /** Sends the seed's edit body with `key` and waits for its order; `switch` records what Director may now hold. */
  async edit(target: RotationTarget, source: OwnedLogSource, key: AccessKeyPair, purpose: 'switch' | 'restore'): Promise<OrderReference> {
    const director = this.director();
    const body = await this.editBody(target, source, key);
    let order: OrderReference;
    // Recorded before it is sent: a later step (or a failed onboarding's compensation) then knows
    // Director may hold this key, whether or not Director reads `access_key` back.
    const sentAt = this.run.context.now().toISOString();
    await recordDirectorWrite(
      this.run.context.secretsManager,
      target.accountId,
      { operation: 'EDIT', accessKeyId: key.accessKeyId, sentAt },
      target.description,
    );
    try {
      order = await director.editLogSource(source.id, body);
    } catch (error) {
      if (purpose === 'switch' && !isDefiniteRefusal(error)) this.state = 'unknown';
      if (isDefiniteRefusal(error)) this.refusedWriteAt = sentAt;
      throw error;
    }
    if (purpose === 'switch') this.state = 'unknown';
    const { orderDeadlineMs, orderInitialDelayMs, orderMaxDelayMs } = this.run.timeouts;
    try {
      await director.waitForOrder(order, { deadlineMs: orderDeadlineMs, initialDelayMs: orderInitialDelayMs, maxDelayMs: orderMaxDelayMs });
    } catch (error) {
      // A failed order changes nothing in Director; a timeout may still complete later.
      if (purpose === 'switch' && error instanceof DirectorOrderFailedError) {
        this.state = 'untouched';
        this.refusedWriteAt = sentAt;
      }
      throw error;
    }
    if (purpose === 'switch') this.state = 'switched';
    this.run.log('info', purpose === 'switch' ? 'Director now uses the pending key' : 'Director is back on the current key', {
      logSourceId: source.id,
      accessKeyId: key.accessKeyId,
      orderRequestId: order.requestId,
    });
    return order;
  }

  /** The onboarding's edit body, keeping what the source already has: name, bucket, region and filter date. */
  private async editBody(target: RotationTarget, source: OwnedLogSource, key: AccessKeyPair): Promise<S3FetcherLogSource> {
    const { settings, now } = this.run.context;
    const location = bucketLocationOf(settings.trail, source);
    if (location.bucketRegion === undefined) {
      throw new OnboardingError(
        ErrorCode.CONFIG_INVALID,
        `Log source ${source.id} records no bucket region and the configuration sets none (trail.bucketRegion).`,
        { details: { logSourceId: source.id } },
      );
    }
    return buildLogSourceWrite(
      { director: this.director(), logSource: settings.logSource, now },
      { accountId: target.accountId, name: source.name, bucketName: location.bucketName, bucketRegion: location.bucketRegion, key },
      source,
    );
  }

  /**
   * Best effort: the last order, and the key Director now holds, on the secret's tags. The order
   * helps an operator; the key tells a later onboarding's compensation which key it must keep
   * (without it, that compensation keeps the key the secret holds as AWSCURRENT or AWSPREVIOUS).
   * `switched`: the fetch signals at the switch (data-plane.ts); without it, any switch record is emptied.
   */
  async recordOrder(target: RotationTarget, order: OrderReference, heldAccessKeyId: string, switched: DirectorSwitch | null = null): Promise<void> {
    try {
      await tagAccountSecret(
        this.run.context.secretsManager,
        target.accountId,
        {
          lastOrder: order.requestId,
          directorKey: heldAccessKeyId,
          directorWrite: '',
          directorSwitch: switched === null ? '' : directorSwitchValue(switched),
        },
        target.description,
      );
    } catch (error) {
      this.run.log('warn', `Could not record order ${order.requestId} on ${target.secretName}`, { awsError: describeAwsError(error) });
    }
  }

  /** Best effort, as {@link recordOrder}: the fetch signals at a switch whose order was recorded without them. */
  async recordSwitch(target: RotationTarget, switched: DirectorSwitch): Promise<void> {
    try {
      await tagAccountSecret(this.run.context.secretsManager, target.accountId, { directorSwitch: directorSwitchValue(switched) }, target.description);
    } catch (error) {
      this.run.log('warn', `Could not record the switch to ${switched.accessKeyId} on ${target.secretName}`, { awsError: describeAwsError(error) });
    }
  }

  /** Director's read-back of the source as it is now (not the copy this invocation found), for its fetch signals. */
  readBack(source: OwnedLogSource): Promise<LogSourceRecord> {
    return this.director().getLogSource(source.id);
  }

  /**
   * Whether Director may use `accessKeyId` now: after an edit of this invocation; when the secret's
   * own record says an edit with it was sent or confirmed (Director may not read `access_key` back
   * at all); or as a fresh lookup's read-back shows.
   */
  async mayHold(target: RotationTarget, accessKeyId: string): Promise<boolean> {
    if (this.state !== 'untouched') return true;
    const record = directorKeyRecordOf((await describeAccountSecret(this.run.context.secretsManager, target.accountId))?.tags ?? {});
    // This invocation's own write, refused or failed, handed nothing to Director.
    const unsettled = record.inFlight !== null && record.inFlight.sentAt !== this.refusedWriteAt ? record.inFlight : null;
    if (record.confirmedKeyId === accessKeyId || unsettled?.accessKeyId === accessKeyId) return true;
    // A fresh lookup: an earlier step of this rotation may have switched Director.
    this.found = undefined;
    let source: OwnedLogSource | null;
    try {
      source = await this.find(target);
    } catch (error) {
      // A source that is not ours was never edited by a rotation, so it cannot hold the new key.
      if (error instanceof OnboardingError && error.code === ErrorCode.NOT_OWNED) return false;
      throw error;
    }
    return source !== null && connectorAccessKey(source) === accessKeyId;
  }
}

/** The bucket Director reads, as its log source records it; the configured trail otherwise. */
export function bucketLocationOf(trail: TrailSettings, source: OwnedLogSource | null): { bucketName: string; bucketRegion: string | undefined } {
  const connector = source === null ? {} : connectorOf(source);
  const bucketName = nonEmpty(connector.bucket_name) ?? trail.bucketName;
  const bucketRegion = nonEmpty(connector.region_name) ?? (bucketName === trail.bucketName ? trail.bucketRegion : undefined);
  return { bucketName, bucketRegion };
}

/** The access key id the log source's connector holds. */
export function connectorAccessKey(source: LogSourceRecord): string | undefined {
  return nonEmpty(connectorOf(source).access_key);
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

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
