import { defineConfig } from 'vitest/config';
import { UNIT_TESTS, UNIT_TESTS_NEEDING_A_SANDBOX, WORKFLOW_TESTS, WORKFLOW_TESTS_NEEDING_FRESH_MODULES } from './test/test-tiers.js';

export default defineConfig({
  test: {
    setupFiles: ['test/setup.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Worker threads break NodejsFunction bundling (TOOLCHAIN.md), hence forks. Four of them on two
    // cores: the workflow and fault-battery files mostly wait on sockets, orders and timers
    // (measured here: 273 s with 2 workers, 200 s with 3, 167 s with 4; about 4 GB of memory).
    pool: 'forks',
    maxWorkers: 4,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIATESTONLYNOTREAL0',
      AWS_SECRET_ACCESS_KEY: 'test-only-not-a-real-secret',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      CDK_DISABLE_VERSION_CHECK: '1',
      CDK_VALIDATION: 'false',
      POWERTOOLS_DEV: 'false',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
    // Two tiers (`npm run test:unit`, `npm run test:workflow`; `npm test` runs both). unit: the
    // domain functions, the Director client and the stand-ins on their own, no workflow sandbox
    // and no CDK synthesis. workflow (the projects workflow and workflow-isolated): everything that
    // runs a workflow, synthesizes the stack or drives the CLI. Every test file is in exactly one
    // project (test/support/test-tiers.test.ts).
    projects: [
      // Not isolated either: its fixtures register their hooks from a function each file calls, and
      // a file that mocks an SDK client class restores it (test/support/test-tiers.test.ts).
      { extends: true, test: { name: 'unit', isolate: false, include: [...UNIT_TESTS], exclude: [...UNIT_TESTS_NEEDING_A_SANDBOX] } },
      // Not isolated: a worker runs its workflow files in one process, so aws-cdk-lib, the SDK and the
      // stand-ins load once per worker, not once per file (about 150 s of CPU on this machine).
      {
        extends: true,
        test: {
          name: 'workflow',
          isolate: false,
          include: [...WORKFLOW_TESTS, ...UNIT_TESTS_NEEDING_A_SANDBOX],
          exclude: [...WORKFLOW_TESTS_NEEDING_FRESH_MODULES],
        },
      },
      { extends: true, test: { name: 'workflow-isolated', include: [...WORKFLOW_TESTS_NEEDING_FRESH_MODULES] } },
    ],
  },
});
