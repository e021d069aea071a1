import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SYNTHESIS_CACHE_DIR_ENV } from '../local/sandbox/constants.js';

/**
 * Once per test run, before any worker starts: a folder where the sandbox keeps each
 * configuration's synthesized stack for the run (local/sandbox/definition.ts), so the workers
 * synthesize each configuration once between them. Removed when the run ends.
 */
export default function setup(): () => void {
  // Each project of the run calls this; the first one's folder serves them all.
  if (process.env[SYNTHESIS_CACHE_DIR_ENV] !== undefined) return () => undefined;
  const directory = mkdtempSync(path.join(tmpdir(), 'sandbox-synthesis-'));
  process.env[SYNTHESIS_CACHE_DIR_ENV] = directory;
  return () => {
    rmSync(directory, { recursive: true, force: true });
  };
}
