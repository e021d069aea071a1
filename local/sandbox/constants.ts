/** The sample account and organization the sandbox onboards. */
export const SANDBOX_ACCOUNT_ID = '111122223333';
export const SANDBOX_REGION = 'eu-west-1';
export const SANDBOX_ORGANIZATION_ID = 'o-a1b2c3d4e5';
export const DIRECTOR_SECRET_NAME = 'logpoint/director/api';
/** Names a folder where sandboxes share each configuration's synthesis for one test run (definition.ts). */
export const SYNTHESIS_CACHE_DIR_ENV = 'SANDBOX_SYNTHESIS_CACHE_DIR';
