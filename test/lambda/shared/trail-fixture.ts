import { beforeEach } from 'vitest';
import type { AwsSandbox } from '../../../local/aws/index.js';
import { HOME_ACCOUNT, REGION, useAwsSandbox } from '../../support/aws-sandbox.js';

/* What the trail bucket and reader access tests share: an organization id and an account whose clock the test moves. */

export const ORG = 'o-a1b2c3d4e5';
export const PROPAGATION_MS = 60_000;

/** The sandbox's clock; each test starts at the same instant and moves it past IAM propagation by hand. */
export const clock = { now: 0 };

/** Each test that touches AWS gets a fresh account; pure helpers need none. */
export function withSandbox(): () => AwsSandbox {
  beforeEach(() => {
    clock.now = Date.parse('2025-06-01T12:00:00Z');
  });
  return useAwsSandbox({ accountId: HOME_ACCOUNT, region: REGION, propagationDelayMs: PROPAGATION_MS, clock: () => clock.now });
}
