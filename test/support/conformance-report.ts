import type { ConformanceResult, Evaluation, Grant } from './role-conformance.js';
import { grantKey } from './role-conformance.js';

/**
 * Readable lines for the role conformance test: denials and grants as a reviewer acts on them.
 * Only actions, ARNs and context key names: a context value or a call input never appears.
 */

/** A reviewed grant that no scenario uses, and why it stays (test/lib/product/unused-grants.ts). */
export interface ReviewedUnusedGrant {
  /** The function label (`onboard/CheckBucket`), or `*` for a grant every function's role has. */
  function: string;
  /** The statement's Sid, or `(no Sid) <actions>` for one CDK wrote without a Sid. */
  statement: string;
  actions: readonly string[];
  reason: string;
}

const isDenied = (evaluation: Evaluation): boolean => evaluation.result !== 'Allowed';

/** One line per distinct denied request, with the scenarios it happened in. */
export function describeDenials(evaluations: readonly Evaluation[]): string[] {
  const lines = new Map<string, Set<string>>();
  for (const evaluation of evaluations.filter(isDenied)) {
    const { request } = evaluation;
    const keys = Object.keys(request.context).sort();
    const line =
      `${evaluation.principal}: ${request.action} on ${request.resource} — ${evaluation.result}; context keys [${keys.join(', ')}]; ` +
      `call ${evaluation.call}${request.because ? ` (${request.because})` : ''}`;
    lines.set(line, (lines.get(line) ?? new Set()).add(evaluation.scenario));
  }
  return [...lines].map(([line, scenarios]) => `${line}; scenarios ${[...scenarios].join(', ')}`).sort();
}

const covers = (entry: ReviewedUnusedGrant, grant: Grant): boolean =>
  (entry.function === '*' || entry.function === grant.function) && entry.statement === grant.statement && entry.actions.includes(grant.action);

/** Grants no recorded call used and the review does not keep. */
export function unreviewedUnusedGrants(result: ConformanceResult, reviewed: readonly ReviewedUnusedGrant[]): string[] {
  return result.grants
    .filter((grant) => !result.used.has(grantKey(grant)) && !reviewed.some((entry) => covers(entry, grant)))
    .map(grantKey)
    .sort();
}

/** Reviewed entries that no longer hold: an action some call used, or one no role grants any more. */
export function staleReviewEntries(result: ConformanceResult, reviewed: readonly ReviewedUnusedGrant[]): string[] {
  return reviewed.flatMap((entry) =>
    entry.actions.flatMap((action) => {
      const single = { ...entry, actions: [action] };
      const granted = result.grants.filter((grant) => covers(single, grant));
      const where = `${entry.function} | ${entry.statement} | ${action}`;
      if (granted.length === 0) return [`${where}: no role grants it any more`];
      const used = granted.filter((grant) => result.used.has(grantKey(grant)));
      return used.length > 0 ? [`${where}: used by ${used.map((grant) => grant.function).join(', ')}`] : [];
    }),
  );
}

/** Folds what differs from one sandbox to the next (a secret's random suffix, a log file's name), for counting. */
const foldRandomNames = (arn: string): string => arn.replace(/(:secret:.+)-[A-Za-z0-9]{6}$/, '$1-??????').replace(/^(arn:[^:]+:s3:::[^/]+\/.*\/)[^/]+$/, '$1*');

/** `function | recorded calls (distinct action×resource) | denied | unused grants`, one row per principal. */
export function conformanceTable(result: ConformanceResult): string {
  const principals = [...new Set([...result.grants.map((grant) => grant.function), ...result.evaluations.map((evaluation) => evaluation.principal)])].sort();
  const distinct = (evaluations: Evaluation[]): number =>
    new Set(evaluations.map(({ request }) => `${request.action} ${foldRandomNames(request.resource)}`)).size;
  const rows = principals.map((principal) => {
    const mine = result.evaluations.filter((evaluation) => evaluation.principal === principal);
    const denied = [...new Set(mine.filter(isDenied).map(({ request }) => `${request.action} on ${foldRandomNames(request.resource)}`))];
    const unused = result.grants
      .filter((grant) => grant.function === principal && !result.used.has(grantKey(grant)))
      .map((grant) => `${grant.statement}: ${grant.action}`);
    return `| ${principal} | ${distinct(mine)} | ${denied.join('<br>') || '—'} | ${unused.join('<br>') || '—'} |`;
  });
  return ['| function | recorded calls (distinct action×resource) | denied | unused grants |', '|---|---|---|---|', ...rows].join('\n');
}
