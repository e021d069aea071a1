import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
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
  },
});
