import { CreateAccessKeyCommand } from '@aws-sdk/client-iam';
import type { Sandbox } from '../../local/sandbox/environment.js';
import { secretValuesWritten } from '../workflow/support.js';

/**
 * Secret-leak search of one fault: every secret value that existed during it (each reader key's
 * secret part, the Director secretKey and tokens) against everything the product printed or handed
 * on (stdout/stderr/console at INFO, execution events, outputs and errors, published events).
 */

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;

export interface OutputCapture {
  /** Restores stdout, stderr and the console; returns everything written meanwhile. */
  stop(): string;
}

/**
 * Swallows and records stdout, stderr and the console from now on. Not passed through: at INFO the
 * handlers log every step, and the battery's own report must stay readable.
 */
export function captureOutput(): OutputCapture {
  const chunks: string[] = [];
  const record = (chunk: unknown): void => {
    chunks.push(typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : String(chunk));
  };
  const { stdout, stderr } = process;
  const writes = { stdout: stdout.write, stderr: stderr.write };
  const consoleMethods = CONSOLE_METHODS.map((method) => console[method]);
  const swallow = (chunk: unknown, ...rest: unknown[]): boolean => {
    record(chunk);
    // A caller waiting for the write's callback must not hang.
    const callback = rest.find((argument): argument is () => void => typeof argument === 'function');
    callback?.();
    return true;
  };
  stdout.write = swallow;
  stderr.write = swallow;
  for (const method of CONSOLE_METHODS) console[method] = (...args: unknown[]) => record(args.map(printable).join(' '));
  return {
    stop: () => {
      stdout.write = writes.stdout;
      stderr.write = writes.stderr;
      CONSOLE_METHODS.forEach((method, index) => {
        console[method] = consoleMethods[index] ?? console[method];
      });
      return chunks.join('\n');
    },
  };
}

function printable(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Every secret value of the sandbox's life: those written to Secrets Manager (reader keys, the
 * Director secretKey, saved tokens) and the secret part of every access key IAM handed out, even
 * one that never reached a secret because its step crashed.
 */
export async function secretsOf(sandbox: Sandbox): Promise<string[]> {
  const secrets = new Set(secretValuesWritten(sandbox));
  secrets.add(sandbox.director.secretKey);
  for (const call of sandbox.aws.fakes.iam.mock.commandCalls(CreateAccessKeyCommand)) {
    try {
      const output = await call.returnValue;
      const secret = output.AccessKey?.SecretAccessKey;
      if (secret) secrets.add(secret);
    } catch {
      // A refused CreateAccessKey handed out nothing.
    }
  }
  return [...secrets];
}

export interface Place {
  label: string;
  content: unknown;
}

/** Where a secret showed up: `<place> holds secret #<n>`, never the secret itself. */
export function findLeaks(places: readonly Place[], secrets: readonly string[]): string[] {
  const leaks: string[] = [];
  for (const place of places) {
    const text = typeof place.content === 'string' ? place.content : (JSON.stringify(place.content) ?? '');
    secrets.forEach((secret, index) => {
      if (secret.length > 0 && text.includes(secret)) leaks.push(`${place.label} holds secret #${index} (${secret.length} characters)`);
    });
  }
  return leaks;
}
