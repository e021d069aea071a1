import { SFNClient } from '@aws-sdk/client-sfn';

/** Step Functions, for a function whose code calls it (see AwsClientFactories). */
export const sfn = (): SFNClient => new SFNClient({});
