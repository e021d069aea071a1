/**
 * Which test files run in which tier (vitest.config.ts). Unit: the domain functions, the Director
 * client and the stand-ins on their own, without the workflow sandbox or a CDK synthesis. Workflow:
 * the rest. A file under a unit folder that starts the sandbox or synthesizes the stack is listed
 * in UNIT_TESTS_NEEDING_A_SANDBOX, which moves it to the workflow tier.
 */
export const UNIT_TESTS = [
  'test/lambda/**/*.test.ts',
  'test/local/aws/**/*.test.ts',
  'test/local/director-simulator/**/*.test.ts',
  'test/local/*.test.ts',
  'test/bench/**/*.test.ts',
] as const;

export const UNIT_TESTS_NEEDING_A_SANDBOX = ['test/lambda/preflight/director-checks.test.ts', 'test/lambda/onboarding/check-bucket-layout.test.ts'] as const;

export const WORKFLOW_TESTS = [
  'test/workflow/**/*.test.ts',
  'test/faults/**/*.test.ts',
  'test/local/sandbox/**/*.test.ts',
  'test/bin/**/*.test.ts',
  'test/lib/**/*.test.ts',
  'test/support/**/*.test.ts',
] as const;

/**
 * Workflow files that need fresh modules: they read the handlers' logs at INFO, and the handlers'
 * logger takes its level from the environment once, when its module loads (test/faults/info-logs.ts,
 * the vi.resetModules of no-secret-leaks). They run isolated, one process per file; the rest of
 * the workflow tier shares modules within each worker.
 */
export const WORKFLOW_TESTS_NEEDING_FRESH_MODULES = ['test/faults/**/*.test.ts', 'test/workflow/no-secret-leaks.test.ts'] as const;
