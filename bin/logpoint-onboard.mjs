#!/usr/bin/env node
// The operator CLI is TypeScript, run in place by tsx (the package is used from its repository).
import process from 'node:process';
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
