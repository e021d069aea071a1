import { setTimeout as sleep } from 'node:timers/promises';
import { RegistryState } from '../../lambda/contract/account-registry.js';
import type { RegistryItem } from '../../lambda/registry/registry-items.js';
import { ExitCode, type CliOutput } from './io.js';
import type { Target } from './target.js';

/**
 * `logpoint-onboard rotate --account <id>`: the key rotation the schedule runs, started now
 * (RotateSecret on the account's secret; Secrets Manager then runs the product's rotation
 * function's four steps), and followed through the account registry until the new key is
 * promoted or a step fails. Only an account with its own source has a key to rotate.
 */

/** How long a rotation is followed before the command gives up looking (the rotation goes on). */
const FOLLOW_LIMIT_MS = 15 * 60_000;
const POLL_MS = { inProcess: 50, remote: 5_000 } as const;
const ROTATABLE: readonly string[] = [RegistryState.ONBOARDED, RegistryState.REGISTERED_NO_DATA_YET, RegistryState.FAILED];

export async function runRotate(target: Target, out: CliOutput, options: { account: string }): Promise<number> {
  const accountId = options.account;
  const before = (await target.registry()).find((item) => item.accountId === accountId);
  if (before === undefined || !ROTATABLE.includes(before.state ?? '') || before.readerUserName === undefined) {
    const why =
      before === undefined
        ? 'the registry has no record of it'
        : `it is ${before.state ?? 'in no state'}${before.readerUserName ? '' : ', with no reader of its own'}`;
    out.say(`${accountId}: nothing to rotate: ${why}. Onboard it first.`);
    out.result({ target: target.name, action: 'rotate', accountId, ok: false, outcome: { status: 'NOT_STARTED', reason: why } });
    return ExitCode.failed;
  }
  const started = await target.rotate(accountId);
  out.say(`${accountId}: rotation of ${started.secretName} started (token ${started.token})`);
  const outcome = await followRotation(target, accountId, started.token);
  const ok = outcome.status === 'SUCCEEDED';
  out.say(
    ok
      ? `${accountId}: rotation SUCCEEDED: Director now holds key ${outcome.accessKeyId ?? '?'}`
      : `${accountId}: rotation ${outcome.status}${outcome.error === undefined ? '' : ` (${outcome.error})`}`,
  );
  out.result({ target: target.name, action: 'rotate', accountId, secretName: started.secretName, token: started.token, ok, outcome });
  return ok ? ExitCode.ok : ExitCode.failed;
}

interface RotationOutcome {
  status: 'SUCCEEDED' | 'FAILED' | 'STILL_RUNNING';
  accessKeyId?: string;
  keyRotatedAt?: string;
  error?: string;
}

async function followRotation(target: Target, accountId: string, token: string): Promise<RotationOutcome> {
  const pollMs = target.runsInProcess ? POLL_MS.inProcess : POLL_MS.remote;
  for (const deadline = Date.now() + FOLLOW_LIMIT_MS; Date.now() < deadline; await sleep(pollMs)) {
    const item = (await target.registry()).find((candidate) => candidate.accountId === accountId);
    const outcome = item === undefined ? undefined : rotationOutcomeOf(item, token);
    if (outcome !== undefined) return outcome;
    // The sandbox ran the steps before rotate() answered: a rotation that wrote nothing failed outside the registry's view.
    if (target.runsInProcess) return { status: 'FAILED', error: 'the rotation ended without recording an outcome in the registry' };
  }
  return { status: 'STILL_RUNNING' };
}

/**
 * What the registry says of this rotation. Its writes carry its token as the run id: the promoted
 * key (keyRotatedAt) or a failed step's error (lastErrorAt), whichever it wrote last. Undefined
 * until it wrote either (the first three steps write nothing).
 */
function rotationOutcomeOf(item: RegistryItem, token: string): RotationOutcome | undefined {
  if (item.lastRunId !== token) return undefined;
  const rotatedAt = item.keyRotatedAt ?? '';
  const failedAt = item.lastErrorAt ?? '';
  if (failedAt > rotatedAt) return { status: 'FAILED', error: `${item.lastErrorCode ?? 'unknown'}: ${item.lastErrorMessage ?? ''}` };
  if (rotatedAt === '') return undefined;
  return { status: 'SUCCEEDED', ...(item.accessKeyId === undefined ? {} : { accessKeyId: item.accessKeyId }), keyRotatedAt: rotatedAt };
}
