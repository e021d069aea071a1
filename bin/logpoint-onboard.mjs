#!/usr/bin/env node
// The operator CLI is TypeScript, run in place by tsx (the package is used from its repository).
import process from 'node:process';
import { register } from 'tsx/esm/api';

// The sandbox target runs the product's functions in this process; their logs (CloudWatch's, on AWS)
// would mix with the CLI's output. POWERTOOLS_LOG_LEVEL=INFO shows them. Set before any function loads.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
register();
const { main } = await import('./cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
