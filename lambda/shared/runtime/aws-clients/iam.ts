import { IAMClient } from '@aws-sdk/client-iam';

/** IAM, for a function whose code calls it (see AwsClientFactories). */
export const iam = (): IAMClient => new IAMClient({});
