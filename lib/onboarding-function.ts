import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import path from 'node:path';

const HANDLERS_DIR = path.join(import.meta.dirname, '..', 'lambda', 'handlers');
const PROJECT_ROOT = path.join(import.meta.dirname, '..');

export interface OnboardingFunctionProps {
  /** File name under lambda/handlers/, without extension. */
  handlerFile: string;
  description: string;
  environment?: Record<string, string>;
  /** @default 30 seconds */
  timeout?: Duration;
  /** @default 256 */
  memorySize?: number;
  /** @default one year */
  logRetention?: RetentionDays;
}

/**
 * The Lambda defaults every workflow function shares, held once: Node.js 22 on arm64, bundled by
 * the local esbuild (never Docker), minified ESM with the AWS SDK left to the runtime, JSON logs in
 * its own log group, X-Ray tracing.
 */
export class OnboardingFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: OnboardingFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      entry: path.join(HANDLERS_DIR, `${props.handlerFile}.ts`),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize ?? 256,
      tracing: Tracing.ACTIVE,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      environment: {
        POWERTOOLS_SERVICE_NAME: 'logpoint-cloudtrail-onboarding',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        minify: true,
        sourceMap: true,
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        externalModules: ['@aws-sdk/*'],
        // Some dependencies still call require(); ESM output needs it defined.
        banner: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
      },
    });
  }
}
