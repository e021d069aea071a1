import { InternalServerError, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { IAMServiceException, ServiceFailureException } from '@aws-sdk/client-iam';
import { S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { InternalServiceError, SecretsManagerServiceException } from '@aws-sdk/client-secrets-manager';
import type { Sandbox } from '../../local/sandbox/environment.js';

/**
 * AWS faults aimed at one step. The fakes' own `failNext(command, error)` fails the next call of a
 * command wherever it comes from, but GetSecretValue, TagResource or DeleteAccessKey run in several
 * steps; a fault "where it hurts" must hit the one in, say, Compensate. And the S3 sandbox (s3rver
 * behind an emulation middleware) has no fault injection at all.
 *
 * So this sits in front of the clients: IAM, Secrets Manager and DynamoDB (the account lock)
 * through their (mocked) `send`, S3
 * through `S3Client.prototype.send`, which every S3 client the handlers get (the product role's and
 * each reader-key client) inherits. The sandbox's call log records each handler call, naming the
 * task state, synchronously just before it reaches `send`, so the newest record names the caller.
 */

export type FaultedService = 'IAM' | 'SecretsManager' | 'DynamoDB' | 'S3';

export interface AwsFaultSpec {
  service: FaultedService;
  /** The SDK command without `Command`: `CreateUser`, `GetObject`. */
  operation: string;
  /** A fresh error per failed call, as the SDK would throw it. */
  error: () => Error;
  /** Only calls made by this task state's function (`Compensate`); any caller when omitted. */
  step?: string;
  /** Only calls of this workflow (`onboard`, `offboard`, `rotate`); any when omitted. */
  workflow?: string;
  /** How many matching calls fail (default 1). */
  times?: number;
}

type Send = (this: unknown, command: object, ...rest: unknown[]) => unknown;
interface SendHolder {
  send: Send;
}

export class AwsFaults {
  private planned: (AwsFaultSpec & { remaining: number })[] = [];
  private readonly restorers: (() => void)[] = [];

  constructor(private readonly sandbox: Sandbox) {}

  failNext(spec: AwsFaultSpec): void {
    this.planned.push({ ...spec, remaining: spec.times ?? 1 });
  }

  /** Planned failures not used up yet (a fault that never fired did not test anything). */
  pending(): number {
    return this.planned.reduce((sum, entry) => sum + entry.remaining, 0);
  }

  clear(): void {
    this.planned = [];
  }

  install(): void {
    // The SDK clients' overloaded `send` is not assignable to one signature; all we need is "send".
    this.intercept(this.sandbox.aws.iam as unknown as SendHolder, 'IAM');
    this.intercept(this.sandbox.aws.secretsManager as unknown as SendHolder, 'SecretsManager');
    this.intercept(this.sandbox.aws.dynamo as unknown as SendHolder, 'DynamoDB');
    this.intercept(S3Client.prototype as unknown as SendHolder, 'S3');
  }

  uninstall(): void {
    while (this.restorers.length > 0) this.restorers.pop()?.();
  }

  private intercept(holder: SendHolder, service: FaultedService): void {
    const original = holder.send;
    const owned = Object.hasOwn(holder, 'send');
    const take = (command: object): Error | undefined => this.take(service, command);
    holder.send = function (this: unknown, command: object, ...rest: unknown[]): unknown {
      const fault = take(command);
      return fault === undefined ? original.call(this, command, ...rest) : Promise.reject(fault);
    };
    this.restorers.push(() => {
      if (owned) holder.send = original;
      else Reflect.deleteProperty(holder, 'send');
    });
  }

  private take(service: FaultedService, command: object): Error | undefined {
    const operation = command.constructor.name.replace(/Command$/, '');
    const record = this.sandbox.awsCallRecords().at(-1);
    const caller = record?.service === service && record.operation === operation ? record.caller : null;
    const entry = this.planned.find(
      (candidate) =>
        candidate.remaining > 0 &&
        candidate.service === service &&
        candidate.operation === operation &&
        (candidate.step === undefined || candidate.step === caller?.task) &&
        (candidate.workflow === undefined || candidate.workflow === caller?.workflow),
    );
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    return entry.error();
  }
}

const CLIENT_ERROR = { $fault: 'client' as const, $metadata: { httpStatusCode: 400 } };

/** The transient errors each service really throws: throttling (4xx) and its own failures (5xx). */
export const awsErrors = {
  iamThrottling: (): Error => new IAMServiceException({ name: 'Throttling', message: 'Rate exceeded', ...CLIENT_ERROR }),
  iamServiceFailure: (): Error => new ServiceFailureException({ message: 'Service failure', $metadata: { httpStatusCode: 500 } }),
  secretsThrottling: (): Error => new SecretsManagerServiceException({ name: 'ThrottlingException', message: 'Rate exceeded', ...CLIENT_ERROR }),
  secretsInternalError: (): Error => new InternalServiceError({ message: 'An error occurred on the server side.', $metadata: { httpStatusCode: 500 } }),
  dynamoThroughputExceeded: (): Error =>
    new ProvisionedThroughputExceededException({
      message: 'The level of configured provisioned throughput for the table was exceeded.',
      $metadata: { httpStatusCode: 400 },
    }),
  dynamoInternalError: (): Error => new InternalServerError({ message: 'Internal server error', $metadata: { httpStatusCode: 500 } }),
  s3SlowDown: (): Error =>
    new S3ServiceException({ name: 'SlowDown', $fault: 'server', message: 'Please reduce your request rate.', $metadata: { httpStatusCode: 503 } }),
  s3InternalError: (): Error =>
    new S3ServiceException({
      name: 'InternalError',
      $fault: 'server',
      message: 'We encountered an internal error. Please try again.',
      $metadata: { httpStatusCode: 500 },
    }),
} as const;

export type AwsErrorName = keyof typeof awsErrors;
