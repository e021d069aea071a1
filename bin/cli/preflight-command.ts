import { Listr } from 'listr2';
import { checkDirector } from '../../lambda/preflight/director-checks.js';
import { reportOf, type PreflightCheck, type PreflightReport } from '../../lambda/preflight/report.js';
import { checkTrail } from '../../lambda/preflight/trail-checks.js';
import { ExitCode, type CliOutput } from './io.js';
import type { Target } from './target.js';

/**
 * `logpoint-onboard preflight [--account <id>]`: every check that can fail an onboarding, run
 * against the target without creating anything. Exit 1 when any check fails.
 */
export async function runPreflight(target: Target, out: CliOutput, options: { account?: string | undefined }): Promise<number> {
  const subject = options.account ?? target.defaultSubject;
  const checks: PreflightCheck[] = [];
  const tasks = new Listr(
    [
      { title: 'Director', task: async () => void checks.push(...(await checkDirector(target.director, target.settings))) },
      {
        title: `Trail bucket (${subject})`,
        task: async () =>
          void checks.push(
            ...(await checkTrail(target.s3, target.settings, subject, { client: (region) => target.kms(region), readerAccountId: target.accountId })),
          ),
      },
      ...(target.targetChecks === undefined ? [] : [{ title: 'Stack', task: async () => void checks.push(...((await target.targetChecks?.()) ?? [])) }]),
    ],
    { renderer: out.interactive ? 'default' : 'silent', rendererOptions: {}, exitOnError: false, concurrent: false },
  );
  await tasks.run();
  const report = { target: target.name, subject, ...reportOf(checks) };
  for (const line of describeReport(report)) out.say(line);
  out.result(report);
  return report.ok ? ExitCode.ok : ExitCode.failed;
}

const MARK = { pass: '✔', fail: '✖', skip: '–' } as const;

function describeReport(report: PreflightReport & { subject: string }): string[] {
  const lines = report.checks.flatMap((check) => [
    `${MARK[check.status]} ${check.title}: ${check.detail}`,
    ...(check.fix === undefined ? [] : [`    fix: ${check.fix}`]),
  ]);
  const failed = report.checks.filter((check) => check.status === 'fail').length;
  lines.push(
    failed === 0
      ? `Preflight passed for ${report.subject}: nothing stands in the way of an onboarding.`
      : `Preflight found ${failed} problem(s) for ${report.subject}.`,
  );
  return lines;
}
