import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import path from 'node:path';
import { acknowledgeFinding, NagReason } from './nag-acknowledgements.js';

const PROJECT_ROOT = path.join(import.meta.dirname, '..', '..');
const LAMBDA_DIR = path.join(PROJECT_ROOT, 'lambda');

export interface OnboardingFunctionProps {
  /** The entry point `lambda/<handlerFile>.handler.ts`, e.g. `onboarding/check-order`. */
  handlerFile: string;
  description: string;
  environment?: Record<string, string>;
  /** @default 30 seconds */
  timeout?: Duration;
  /** @default 256 */
  memorySize?: number;
  /** @default one year */
  logRetention?: RetentionDays;
  /** @default none reserved */
  reservedConcurrentExecutions?: number;
  /**
   * Absolute path of a PEM CA bundle to ship next to the handler bundle, for a Director behind a
   * private CA. Give it only to functions that call Director.
   * @default none: the runtime's public CAs
   */
  caBundleFile?: string;
}

/** The file name the CA bundle gets inside the bundle directory (/var/task on Lambda). */
export const CA_BUNDLE_FILE_NAME = 'director-ca-bundle.pem';

/**
 * The Lambda defaults every workflow function shares, held once: Node.js 22 (the runtime the
 * product is built and tested for) on arm64, bundled by
 * the local esbuild (never Docker), minified ESM with the AWS SDK left to the runtime, JSON logs in
 * its own log group, X-Ray tracing. Each function gets its own role that may write only to its own
 * log group (instead of the AWSLambdaBasicExecutionRole managed policy, which may write to any).
 */
export class OnboardingFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: OnboardingFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.handlerFile}: ${props.description}`.slice(0, 1000),
    });
    role.addToPolicy(new PolicyStatement({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    const caBundleFile = props.caBundleFile;
    super(scope, id, {
      entry: path.join(LAMBDA_DIR, `${props.handlerFile}.handler.ts`),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize ?? 256,
      ...(props.reservedConcurrentExecutions === undefined ? {} : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      tracing: Tracing.ACTIVE,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      environment: {
        POWERTOOLS_SERVICE_NAME: 'logpoint-cloudtrail-onboarding',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
        // Node reads this at start-up and adds the CA to the default trust store, so the global
        // fetch trusts a private-CA Director without bundling an HTTP client of its own.
        ...(caBundleFile === undefined ? {} : { NODE_EXTRA_CA_CERTS: `/var/task/${CA_BUNDLE_FILE_NAME}` }),
      },
      bundling: {
        minify: true,
        // Stack traces at the TypeScript line, at no cold init the bench can measure (CONTRIBUTING.md, "Reading the bench").
        sourceMap: true,
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        // undici serves only the client's programmatic `caBundle` option, which Lambda never uses
        // (NODE_EXTRA_CA_CERTS does that job there); leaving it out saves ~400 KB per bundle.
        externalModules: ['@aws-sdk/*', 'undici'],
        // Some dependencies still call require(); ESM output needs it defined.
        banner: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
        ...(caBundleFile === undefined
          ? {}
          : {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (_inputDir: string, outputDir: string) => [copyCommand(caBundleFile, path.join(outputDir, CA_BUNDLE_FILE_NAME))],
              },
            }),
      },
    });
    // Lambda's X-Ray integration adds xray:PutTraceSegments/PutTelemetryRecords on "*" to the role.
    acknowledgeFinding(role.node.findChild('DefaultPolicy'), 'AwsSolutions-IAM5[Resource::*]', NagReason.XRAY_WRITE);
    acknowledgeFinding(this, 'AwsSolutions-L1', NagReason.NODE_22_RUNTIME);
  }
}

/** A shell copy with both paths quoted, so a config path with spaces or quotes cannot break out. */
function copyCommand(from: string, to: string): string {
  const quote = (value: string): string => `'${value.replaceAll("'", "'\\''")}'`;
  return `cp ${quote(from)} ${quote(to)}`;
}
