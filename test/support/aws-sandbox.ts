import { afterEach, beforeEach } from 'vitest';
import { createAwsSandbox } from '../../local/aws/index.js';
import type { AwsSandbox, AwsSandboxOptions } from '../../local/aws/index.js';

/** The account the product runs in: the sandbox's own account. */
export const HOME_ACCOUNT = '999988887777';
/** The member account the tests onboard. */
export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';

/**
 * Gives each test of the enclosing suite (file or `describe`) a fresh simulated AWS account,
 * stopped after the test. Returns a getter: the sandbox exists only while a test runs.
 */
export function useAwsSandbox(options: AwsSandboxOptions): () => AwsSandbox {
  let sandbox: AwsSandbox | undefined;
  beforeEach(async () => {
    sandbox = await createAwsSandbox(options);
  });
  afterEach(async () => {
    await sandbox?.stop();
    sandbox = undefined;
  });
  return () => {
    if (sandbox === undefined) throw new Error('the AWS sandbox exists only while a test runs');
    return sandbox;
  };
}
