import { ListAccessKeysCommand } from '@aws-sdk/client-iam';
import Table from 'cli-table3';
import { RegistryState } from '../../lambda/contract/account-registry.js';
import type { RegistryItem } from '../../lambda/registry/registry-items.js';
import { ExitCode, type CliOutput } from './io.js';
import type { AccountRun, Target } from './target.js';

/**
 * `logpoint-onboard status [--account <id>] [--failed]`: the account registry as a table (account,
 * mode, state, log source, key age, last data, last error) and, per account, the timeline of its
 * runs: its onboardings and offboardings as Step Functions knows them, and its last key rotation
 * as the registry recorded it. The registry holds no secret, nor does anything added here.
 */

/** One account's line of the status: its registry item as stored, and what the CLI works out from it. */
export interface AccountStatus extends RegistryItem {
  /** When the access key Director holds was created (IAM), if the account has a reader. */
  keyCreatedAt: string | null;
  keyAgeDays: number | null;
  timeline: TimelineEntry[];
}

/** A run in an account's history: a workflow execution, or a key rotation (the registry's last). */
interface TimelineEntry {
  workflow: string;
  /** The execution ARN, or the rotation's token. */
  runId: string;
  status: string;
  at: string;
  stoppedAt?: string;
  error?: string;
}

const DAY_MS = 86_400_000;

export async function runStatus(target: Target, out: CliOutput, options: { account?: string | undefined; failed?: boolean | undefined }): Promise<number> {
  const now = Date.now();
  const items = (await target.registry()).filter(
    (item) => (options.account === undefined || item.accountId === options.account) && (options.failed !== true || item.state === RegistryState.FAILED),
  );
  const runs = await target.runs();
  const accounts: AccountStatus[] = [];
  for (const item of items) {
    const keyCreatedAt = await keyCreationOf(target, item);
    const keyAgeDays = keyCreatedAt === null ? null : Math.floor((now - Date.parse(keyCreatedAt)) / DAY_MS);
    accounts.push({ ...item, keyCreatedAt, keyAgeDays, timeline: timelineOf(item, runs) });
  }
  if (options.account !== undefined && accounts.length === 0) out.say(`The registry has no record of ${options.account}: nothing was onboarded for it.`);
  else out.say(tableOf(accounts));
  if (options.account !== undefined) for (const account of accounts) for (const line of describeTimeline(account)) out.say(line);
  out.result({ target: target.name, accounts });
  return ExitCode.ok;
}

/** The creation time of the key the registry says Director holds, from IAM (null without a reader, or when IAM no longer has it). */
async function keyCreationOf(target: Target, item: RegistryItem): Promise<string | null> {
  if (item.readerUserName === undefined || item.accessKeyId === undefined || item.state === RegistryState.OFFBOARDED) return null;
  const { AccessKeyMetadata: keys } = await target.iam
    .send(new ListAccessKeysCommand({ UserName: item.readerUserName }))
    .catch(() => ({ AccessKeyMetadata: [] }));
  return keys?.find((key) => key.AccessKeyId === item.accessKeyId)?.CreateDate?.toISOString() ?? null;
}

function timelineOf(item: RegistryItem, runs: readonly AccountRun[]): TimelineEntry[] {
  const entries: TimelineEntry[] = runs
    .filter((run) => run.accountId === item.accountId)
    .map((run) => ({
      workflow: run.workflow,
      runId: run.executionArn,
      status: run.status,
      at: run.startDate,
      ...(run.stopDate === undefined ? {} : { stoppedAt: run.stopDate }),
      ...(run.error === undefined ? {} : { error: run.error }),
    }));
  const rotation = lastRotationOf(item);
  if (rotation !== undefined) entries.push(rotation);
  return entries.sort((a, b) => a.at.localeCompare(b.at));
}

/** The registry keeps the last rotation's token, when it promoted its key, and the error of the last run that failed. */
function lastRotationOf(item: RegistryItem): TimelineEntry | undefined {
  if (item.lastRotateRunId === undefined) return undefined;
  const failedLast = item.lastRunId === item.lastRotateRunId && item.lastErrorAt !== undefined && (item.keyRotatedAt ?? '') < item.lastErrorAt;
  if (failedLast)
    return { workflow: 'rotate', runId: item.lastRotateRunId, status: 'FAILED', at: item.lastErrorAt ?? '', error: item.lastErrorCode ?? 'unknown' };
  if (item.keyRotatedAt === undefined) return undefined;
  return { workflow: 'rotate', runId: item.lastRotateRunId, status: 'SUCCEEDED', at: item.keyRotatedAt };
}

function tableOf(accounts: readonly AccountStatus[]): string {
  const table = new Table({
    head: ['account', 'mode', 'state', 'log source', 'key age', 'last data', 'last error'],
    style: { head: [], border: [], compact: true },
  });
  for (const account of accounts) {
    table.push([
      account.accountId,
      account.mode ?? '',
      account.state ?? '',
      account.logSourceName ?? '',
      account.keyAgeDays === null ? '' : `${account.keyAgeDays} d`,
      account.lastLogReceived ?? '',
      account.lastErrorCode === undefined ? '' : `${account.lastErrorCode} (${account.lastErrorAt ?? ''})`,
    ]);
  }
  return `${table.toString()}\n${accounts.length} account(s).`;
}

function describeTimeline(account: AccountStatus): string[] {
  if (account.timeline.length === 0) return [`${account.accountId}: no runs known.`];
  return [
    `${account.accountId}: runs`,
    ...account.timeline.map(
      (entry) => `  ${entry.at}  ${entry.workflow.padEnd(8)} ${entry.status}${entry.error === undefined ? '' : ` (${entry.error})`}  ${entry.runId}`,
    ),
  ];
}
