import { PassThrough } from 'node:stream';
import type { CliStreams } from '../../../bin/cli/io.js';

/** Non-interactive CLI streams whose output the test reads back as text. */
export function captureStreams(): CliStreams & { text: () => { stdout: string; stderr: string } } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  stdout.on('data', (chunk: Buffer) => chunks.stdout.push(chunk));
  stderr.on('data', (chunk: Buffer) => chunks.stderr.push(chunk));
  return {
    stdout,
    stderr,
    interactive: false,
    text: () => ({ stdout: Buffer.concat(chunks.stdout).toString('utf8'), stderr: Buffer.concat(chunks.stderr).toString('utf8') }),
  };
}
