import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import * as z from 'zod';
import { OnboardingError } from '../shared/errors.js';
import { runRotationStep } from './rotation-steps.js';
import { underRotationLock } from './rotation-lock.js';
import { recordingRotation } from './rotation-registry.js';
import { holdingOrderSlot } from '../governance/order-slot-use.js';
import { accountIdOfSecretId } from './rotation-target.js';
import { DEFAULT_ROTATION_TIMEOUTS, ROTATION_STEPS, RotationStep } from './rotation-types.js';
import type { KeyRotationContext, RotationStepResult, RotationTimeouts } from './rotation-types.js';
import { awsDependencies, type AwsClientFactories, type WorkflowDependencies } from '../shared/runtime/dependencies.js';
import { director, directorLogger } from '../shared/runtime/aws-clients/director.js';
import { dynamo } from '../shared/runtime/aws-clients/dynamodb.js';
import { eventBridge } from '../shared/runtime/aws-clients/eventbridge.js';
import { iam } from '../shared/runtime/aws-clients/iam.js';
import { s3, s3ForCredentials } from '../shared/runtime/aws-clients/s3.js';
import { secretsManager } from '../shared/runtime/aws-clients/secrets-manager.js';
import { defineLambdaHandler, logger } from '../shared/runtime/lambda-handler.js';
import { ErrorCode } from '../contract/error-codes.js';

/**
 * The Secrets Manager rotation function of the account secrets `logpoint/cloudtrail/<account>`:
 * one invocation per rotation step (see lambda/rotation/rotation-steps.ts). A failed step throws, which
 * is what Secrets Manager expects; the error's type is ROTATION_FAILED (or INVALID_INPUT for an
 * event that is not a rotation request), its message and logs are secret-free.
 */

export interface RotationDependencies extends WorkflowDependencies {
  eventBridge: EventBridgeClient;
  /** Tests and the sandbox shorten the waits. */
  sleep?: (ms: number) => Promise<void>;
  timeouts?: Partial<RotationTimeouts>;
}

export type RotationDependenciesProvider = () => RotationDependencies;

/** The AWS clients the rotation function's code uses: its bundle loads these SDK packages and no others. */
export const awsClients = { iam, secretsManager, eventBridge, director, s3, s3ForCredentials, dynamo } satisfies Partial<AwsClientFactories>;

/** The rotation function's clients, built on first use and kept for the container's life. */
const awsRotationDependencies: RotationDependenciesProvider = awsDependencies(awsClients);

/** The event Secrets Manager sends; unknown fields are tolerated. */
export const rotationEventSchema = z.looseObject({
  SecretId: z.string().min(1),
  ClientRequestToken: z.string().min(1).max(64),
  Step: z.enum(ROTATION_STEPS as [RotationStep, ...RotationStep[]]),
  RotationToken: z.string().optional(),
});
export type RotationEvent = z.infer<typeof rotationEventSchema>;

/** Time kept back for the function to report and return before Lambda stops it. */
const SAFETY_MARGIN_MS = 5_000;

/**
 * Fits the waits into the invocation: an order wait or the propagation retries may take at most
 * half of what is left, so a rollback (another Director edit) still has the other half. testSecret
 * waits for the data plane after its propagation retries and before a possible rollback, so that
 * wait gets only what those two cannot use (85 s of a 5-minute invocation).
 */
export function timeoutsWithin(remainingMs: number, configured: Partial<RotationTimeouts> = {}): RotationTimeouts {
  const base = { ...DEFAULT_ROTATION_TIMEOUTS, ...configured };
  const half = Math.max(1_000, Math.floor((remainingMs - SAFETY_MARGIN_MS) / 2));
  const orderDeadlineMs = Math.min(base.orderDeadlineMs, half);
  const propagationBudgetMs = Math.min(base.propagationBudgetMs, half);
  const leftMs = Math.max(0, remainingMs - SAFETY_MARGIN_MS - orderDeadlineMs - propagationBudgetMs);
  return { ...base, orderDeadlineMs, propagationBudgetMs, dataPlaneBudgetMs: Math.min(base.dataPlaneBudgetMs, leftMs) };
}

export const createHandler = (dependencies: RotationDependenciesProvider = awsRotationDependencies) =>
  defineLambdaHandler<RotationStepResult>({
    name: 'Rotation request',
    logResult: true,
    run: async (event, context, label) => {
      const parsed = rotationEventSchema.safeParse(event);
      // Never the raw event in the message: RotationToken is sensitive.
      if (!parsed.success) throw new OnboardingError(ErrorCode.INVALID_INPUT, `Not a Secrets Manager rotation request: ${z.prettifyError(parsed.error)}`);
      const { SecretId, ClientRequestToken, Step, RotationToken } = parsed.data;
      label.name = `Rotation step ${Step}`;
      logger.appendKeys({ secretId: SecretId, rotationStep: Step, clientRequestToken: ClientRequestToken });
      const deps = dependencies();
      const rotationContext: KeyRotationContext = {
        iam: deps.iam,
        secretsManager: deps.secretsManager,
        eventBridge: deps.eventBridge,
        director: deps.director,
        s3: deps.s3,
        s3ForCredentials: (credentials, region) => deps.s3ForCredentials(credentials, region),
        settings: deps.settings,
        now: deps.now,
        logger: directorLogger,
        timeouts: timeoutsWithin(context.getRemainingTimeInMillis(), deps.timeouts),
        ...(deps.sleep === undefined ? {} : { sleep: deps.sleep }),
      };
      const step = () =>
        runRotationStep(rotationContext, { step: Step, secretId: SecretId, clientRequestToken: ClientRequestToken, rotationToken: RotationToken });
      const accountId = accountIdOfSecretId(SecretId);
      // A secret that names no account is refused by the step itself, with its own message.
      if (accountId === null) return step();
      // setSecret edits Director and waits for the order: it holds an order slot (director.maxConcurrentOrders) meanwhile.
      const governed = Step === RotationStep.SetSecret ? () => holdingOrderSlot(deps, accountId, step) : step;
      const run = () => recordingRotation(deps, { accountId, step: Step, clientRequestToken: ClientRequestToken }, governed);
      const lock = { accountId, clientRequestToken: ClientRequestToken, lastStep: Step === RotationStep.FinishSecret };
      return underRotationLock(
        { dynamo: deps.dynamo, accountLockTable: deps.accountLockTable, settings: deps.settings, now: deps.now, logger: directorLogger },
        lock,
        run,
      );
    },
  });

export const handler = createHandler();
