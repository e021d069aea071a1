import { access, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSandboxState, type SandboxState } from '../../local/sandbox/sandbox-state.js';

/**
 * The sandbox target's state between commands, in one directory (`.sandbox/` in the repository,
 * git-ignored): `state.json` (the stand-ins and the Director simulator written out), `s3/` (s3rver's
 * buckets and objects) and `lock` while a command uses it. It holds what AWS and Director would
 * hold, the readers' secret access keys included, so the directory and its files are the owner's
 * alone (0700 / 0600). `logpoint-onboard sandbox reset` removes it.
 */

const STATE_FILE = 'state.json';
const LOCK_FILE = 'lock';
const S3_DIRECTORY = 's3';

/** Another command is using the sandbox (exit 1): two at once would each overwrite what the other did. */
export class SandboxBusyError extends Error {
  override readonly name = 'SandboxBusyError';
}

export interface SandboxStore {
  directory: string;
  /** The sandbox the last command left, or undefined for a new one. */
  saved: SandboxState | undefined;
  /** s3rver's directory: the saved sandbox's objects, or empty for a new one. */
  s3Directory: string;
  save(state: SandboxState): Promise<void>;
  /** Lets the next command in. */
  release(): Promise<void>;
}

/** Takes the sandbox for one command: its lock, then its saved state (a new sandbox when there is none). */
export async function openSandboxStore(directory: string): Promise<SandboxStore> {
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const lockPath = join(directory, LOCK_FILE);
  await takeLock(lockPath);
  const release = () => rm(lockPath, { force: true });
  try {
    const statePath = join(directory, STATE_FILE);
    const s3Directory = join(directory, S3_DIRECTORY);
    const saved = await readSaved(statePath);
    // Objects without the state that describes their buckets are a sandbox half gone: start afresh.
    if (saved === undefined) await rm(s3Directory, { recursive: true, force: true });
    await mkdir(s3Directory, { recursive: true, mode: 0o700 });
    return {
      directory,
      saved,
      s3Directory,
      save: async (state) => {
        // Write, then rename: a command killed mid-write leaves the previous state whole.
        const partial = `${statePath}.partial`;
        await writeFile(partial, JSON.stringify(state), { mode: 0o600 });
        await rename(partial, statePath);
      },
      release,
    };
  } catch (error) {
    await release();
    throw error;
  }
}

/** Removes the sandbox's state; refuses while a command uses it. True when there was one. */
export async function resetSandboxStore(directory: string): Promise<boolean> {
  const lockPath = join(directory, LOCK_FILE);
  await mkdir(directory, { recursive: true, mode: 0o700 });
  await takeLock(lockPath);
  const existed = await access(join(directory, STATE_FILE)).then(
    () => true,
    () => false,
  );
  await rm(join(directory, STATE_FILE), { force: true });
  await rm(join(directory, S3_DIRECTORY), { recursive: true, force: true });
  await rm(lockPath, { force: true });
  return existed;
}

async function readSaved(statePath: string): Promise<SandboxState | undefined> {
  let text: string;
  try {
    text = await readFile(statePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return parseSandboxState(JSON.parse(text), statePath);
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\nStart a new sandbox with: npx logpoint-onboard sandbox reset`);
  }
}

/** Creates the lock file (exclusively); a lock whose process is gone is taken over. */
async function takeLock(lockPath: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(holder) && holder > 0 && processIsAlive(holder)) {
        throw new SandboxBusyError(
          `Another logpoint-onboard command (process ${holder}) is using the sandbox in ${lockPath.slice(0, -LOCK_FILE.length - 1)}; wait for it to end.`,
        );
      }
      await rm(lockPath, { force: true });
    }
  }
  throw new SandboxBusyError(`Could not take the sandbox lock ${lockPath}: another command keeps taking it.`);
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but is someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
