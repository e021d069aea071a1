import { build, type BuildOptions, type Metafile } from 'esbuild';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

/**
 * Cold init of each Lambda entry point (`lambda/**\/*.handler.ts`) against two baselines, all
 * bundled as the construct bundles (lib/shared/onboarding-function.ts) and run with the flag the
 * construct gives Lambda (--enable-source-maps):
 * - the function's baseline: a module that imports only the SDK clients the function needs (its
 *   `awsClients` export, or else the @aws-sdk packages its bundle imports) and builds each once at
 *   module level, as a handler's init would;
 * - the empty baseline: a module exporting `async function handler() { return null }`.
 * Cold init is the time a fresh Node process takes to import the module (node's own start-up is
 * left out), median over `runs` runs, the three modules run in turn. The figures depend on the
 * machine: compare runs on the same machine only.
 */

export interface ColdInitFigure {
  /** The entry point, relative to lambda/ (`onboarding/check-order.handler.ts`). */
  function: string;
  /** Median cold init of the function's bundle, ms. */
  ms: number;
  /** Median cold init of its baseline (its SDK clients only, each built once), ms. */
  baselineMs: number;
  /** Median cold init of the empty handler, ms. */
  emptyMs: number;
  /** ms ÷ baselineMs. */
  ratio: number;
  /** ms ÷ emptyMs. */
  ratioVsEmpty: number;
  /** Size of the function's JavaScript bundle (without its source map). */
  bytes: number;
  baselineBytes: number;
  /** The SDK packages the baseline imports, sorted. */
  sdkClients: string[];
  /** True when sdkClients come from the handler's `awsClients` export; false when from its bundle's static @aws-sdk imports. */
  declared: boolean;
}

interface ColdInitOptions {
  /** Median over this many runs of each module. */
  runs: number;
  /** Only these entry points, relative to lambda/ (`onboarding/validate-input.handler.ts`). */
  only?: string[];
  /** The folder whose `*.handler.ts` files are measured. @default lambda/ */
  lambdaDir?: string;
  /** Told of each function that could not be measured (its module threw at import, it did not bundle or its bundle did not load). @default a line on stderr */
  onSkip?: (handler: string, error: unknown) => void;
}

const REPO_ROOT = path.join(import.meta.dirname, '..');
const LAMBDA_DIR = path.join(REPO_ROOT, 'lambda');

/** The construct's bundling (lib/shared/onboarding-function.ts), as esbuild options. */
export const CONSTRUCT_BUNDLING = {
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  mainFields: ['module', 'main'],
  external: ['@aws-sdk/*', 'undici'],
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
} satisfies BuildOptions;

/** The SDK package behind each key of a handler's `awsClients` (the fields of WorkflowDependencies). */
const AWS_CLIENT_PACKAGES: Record<string, string> = {
  iam: '@aws-sdk/client-iam',
  secretsManager: '@aws-sdk/client-secrets-manager',
  s3: '@aws-sdk/client-s3',
  s3ForCredentials: '@aws-sdk/client-s3',
  dynamo: '@aws-sdk/client-dynamodb',
  sfn: '@aws-sdk/client-sfn',
  organizations: '@aws-sdk/client-organizations',
  eventBridge: '@aws-sdk/client-eventbridge',
  // The Director client reads its token from Secrets Manager.
  director: '@aws-sdk/client-secrets-manager',
};

/**
 * The child's environment: what Lambda would give the SDK and Powertools, and nothing of this
 * process's (no NODE_OPTIONS of tsx or vitest). Dummy credentials: nothing is called at init.
 */
const CHILD_ENV = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIATESTONLYNOTREAL0',
  AWS_SECRET_ACCESS_KEY: 'test-only-not-a-real-secret',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_SERVICE_NAME: 'logpoint-cloudtrail-onboarding',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

/** Prints how long importing the module named by the first argument took, from inside the process. */
const RUNNER = [
  "import { pathToFileURL } from 'node:url';",
  'const url = pathToFileURL(process.argv[1]).href;',
  'const start = performance.now();',
  'await import(url);',
  'const ms = performance.now() - start;',
  'process.stdout.write(String(ms), () => process.exit(0));',
].join('\n');

const EMPTY_SOURCE = 'export async function handler() {\n  return null;\n}\n';

const runFile = promisify(execFile);

interface Bundle {
  file: string;
  bytes: number;
  /** The @aws-sdk packages the bundle imports statically (left external), sorted. */
  sdkImports: string[];
}

export async function coldInitFigures(options: ColdInitOptions): Promise<ColdInitFigure[]> {
  if (!Number.isInteger(options.runs) || options.runs < 1) throw new Error(`runs must be a whole number of at least 1, not ${options.runs}`);
  const lambdaDir = options.lambdaDir ?? LAMBDA_DIR;
  const onSkip =
    options.onSkip ?? ((handler, error) => console.warn(`cold init: skipped ${handler}: ${error instanceof Error ? error.message : String(error)}`));
  const handlers = await handlerFiles(lambdaDir, options.only);
  // Inside the repository's node_modules, so that Node finds the external @aws-sdk packages and undici from the bundles.
  const cacheDir = path.join(REPO_ROOT, 'node_modules', '.cache');
  await mkdir(cacheDir, { recursive: true });
  const tempDir = await mkdtemp(path.join(cacheDir, 'cold-init-'));
  try {
    const empty = await bundle({ source: EMPTY_SOURCE }, path.join(tempDir, 'empty'));
    const baselines = new Map<string, Promise<Bundle>>();
    const figures: ColdInitFigure[] = [];
    for (const [index, handler] of handlers.entries()) {
      try {
        const declaredClients = await declaredSdkClients(path.join(lambdaDir, handler));
        const own = await bundle({ file: path.join(lambdaDir, handler) }, path.join(tempDir, `function-${index}`));
        const sdkClients = declaredClients ?? own.sdkImports;
        const key = sdkClients.join(' ');
        let baselinePromise = baselines.get(key);
        if (baselinePromise === undefined) {
          baselinePromise = baselineSource(sdkClients).then((source) => bundle({ source }, path.join(tempDir, `baseline-${baselines.size}`)));
          baselines.set(key, baselinePromise);
        }
        const baseline = await baselinePromise;
        const times = { own: [] as number[], baseline: [] as number[], empty: [] as number[] };
        for (let run = 0; run < options.runs; run += 1) {
          times.own.push(await coldInitMs(own.file));
          times.baseline.push(await coldInitMs(baseline.file));
          times.empty.push(await coldInitMs(empty.file));
        }
        const [ms, baselineMs, emptyMs] = [median(times.own), median(times.baseline), median(times.empty)];
        figures.push({
          function: handler,
          ms: round(ms, 1),
          baselineMs: round(baselineMs, 1),
          emptyMs: round(emptyMs, 1),
          ratio: round(ms / baselineMs, 2),
          ratioVsEmpty: round(ms / emptyMs, 2),
          bytes: own.bytes,
          baselineBytes: baseline.bytes,
          sdkClients,
          declared: declaredClients !== undefined,
        });
      } catch (error) {
        onSkip(handler, error);
      }
    }
    return figures;
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
}

/** The entry points under `lambdaDir`, relative to it with '/' separators, sorted; `only` must name existing ones. */
async function handlerFiles(lambdaDir: string, only: readonly string[] | undefined): Promise<string[]> {
  const all = (await readdir(lambdaDir, { recursive: true, encoding: 'utf8' }))
    .filter((name) => name.endsWith('.handler.ts'))
    .map((name) => name.split(path.sep).join('/'))
    .sort();
  if (only === undefined) return all;
  const unknown = only.filter((name) => !all.includes(name));
  if (unknown.length > 0) throw new Error(`no such entry point under ${lambdaDir}: ${unknown.join(', ')}`);
  return all.filter((name) => only.includes(name));
}

/** The SDK packages named by the handler's `awsClients` export, deduplicated and sorted; undefined when it has none. */
async function declaredSdkClients(handlerFile: string): Promise<string[] | undefined> {
  const module = (await import(pathToFileURL(handlerFile).href)) as { awsClients?: unknown };
  const { awsClients } = module;
  if (awsClients === undefined) return undefined;
  if (typeof awsClients !== 'object' || awsClients === null)
    throw new Error(`awsClients is not an object of clients (${awsClients === null ? 'null' : typeof awsClients})`);
  const packages = Object.keys(awsClients).map((key) => {
    const sdkPackage = AWS_CLIENT_PACKAGES[key];
    if (sdkPackage === undefined) throw new Error(`awsClients.${key} names no known SDK client (bench/cold-init.ts AWS_CLIENT_PACKAGES)`);
    return sdkPackage;
  });
  return [...new Set(packages)].sort();
}

/**
 * A module importing exactly these packages and building each client once at module level. A
 * package that exports no single `…Client` class (lib-dynamodb, say) is only imported.
 */
async function baselineSource(sdkPackages: readonly string[]): Promise<string> {
  const imports: string[] = [];
  const clients: string[] = [];
  for (const [index, sdkPackage] of sdkPackages.entries()) {
    const exported = Object.keys((await import(sdkPackage)) as Record<string, unknown>);
    const [clientClass, ...others] = exported.filter((name) => /^[A-Z][A-Za-z0-9]*Client$/.test(name));
    if (clientClass === undefined || others.length > 0) {
      imports.push(`import '${sdkPackage}';`);
    } else {
      imports.push(`import { ${clientClass} as Client${index} } from '${sdkPackage}';`);
      clients.push(`new Client${index}({})`);
    }
  }
  return [...imports, `export const clients = [${clients.join(', ')}];`, EMPTY_SOURCE].join('\n');
}

/** Bundles an entry file or a source text as the construct does, into `outDir`/handler.mjs and its source map. */
async function bundle(entry: { file: string } | { source: string }, outDir: string): Promise<Bundle> {
  const outfile = path.join(outDir, 'handler.mjs');
  const result = await build({
    ...CONSTRUCT_BUNDLING,
    ...('file' in entry
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: entry.source, resolveDir: REPO_ROOT, sourcefile: 'baseline.ts', loader: 'ts' } }),
    outfile,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  await mkdir(outDir, { recursive: true });
  for (const output of result.outputFiles) await writeFile(output.path, output.contents);
  const code = result.outputFiles.find((output) => output.path === outfile);
  if (code === undefined) throw new Error(`esbuild wrote no ${outfile}`);
  return { file: outfile, bytes: code.contents.byteLength, sdkImports: sdkImports(result.metafile) };
}

/** The @aws-sdk packages (not subpaths) a bundle loads at init: its static imports, not its `import()`s. */
function sdkImports(metafile: Metafile): string[] {
  const packages = Object.values(metafile.outputs)
    .flatMap((output) => output.imports)
    .filter((imported) => imported.external && imported.kind !== 'dynamic-import' && imported.path.startsWith('@aws-sdk/'))
    .map((imported) => imported.path.split('/').slice(0, 2).join('/'));
  return [...new Set(packages)].sort();
}

/** How long a fresh `node --enable-source-maps` takes to import the module, as the module's process measures it. */
async function coldInitMs(file: string): Promise<number> {
  const { stdout, stderr } = await runFile(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', RUNNER, file], {
    cwd: path.dirname(file),
    env: CHILD_ENV,
    timeout: 60_000,
  });
  const ms = Number(stdout);
  if (stdout.trim() === '' || !Number.isFinite(ms)) throw new Error(`importing ${file} printed no time: ${stdout}${stderr}`);
  return ms;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
