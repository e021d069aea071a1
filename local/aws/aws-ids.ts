import { randomInt, randomUUID } from 'node:crypto';

/** Identifier shapes the real services hand out, so code and logs under test see realistic values. */

const BASE32_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE64_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
export const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX_UPPER = '0123456789ABCDEF';

export function randomString(length: number, alphabet: string): string {
  let result = '';
  for (let index = 0; index < length; index += 1) result += alphabet[randomInt(alphabet.length)];
  return result;
}

/** Long-term IAM user key id: `AKIA` + 16 base32 characters (20 in total). */
export function newAccessKeyId(): string {
  return `AKIA${randomString(16, BASE32_UPPER)}`;
}

/** 40-character secret access key, the length IAM issues. */
export function newSecretAccessKey(): string {
  return randomString(40, BASE64_CHARS);
}

/** IAM user unique id: `AIDA` + 17 base32 characters. */
export function newUserId(): string {
  return `AIDA${randomString(17, BASE32_UPPER)}`;
}

/** The six-character suffix Secrets Manager appends to a secret's ARN. */
export function newSecretArnSuffix(): string {
  return randomString(6, ALPHANUMERIC);
}

export function newRequestId(): string {
  return randomUUID();
}

/** S3 request ids are 16 upper-case hex characters; `x-amz-id-2` is an opaque base64 blob. */
export function newS3RequestIds(): { requestId: string; hostId: string } {
  return { requestId: randomString(16, HEX_UPPER), hostId: randomString(76, BASE64_CHARS) };
}

/** The response metadata every SDK v3 command output carries. */
export function responseMetadata(): { httpStatusCode: number; requestId: string; attempts: number; totalRetryDelay: number } {
  return { httpStatusCode: 200, requestId: newRequestId(), attempts: 1, totalRetryDelay: 0 };
}
