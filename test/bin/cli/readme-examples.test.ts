import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../bin/cli/main.js';
import { captureStreams } from './support.js';

/**
 * Every `npx logpoint-onboard …` line in the README's "Operating it" section runs against the
 * sandbox target and ends as the README says: exit 0, or the exit code a `# exits N` comment
 * above it names. A `| jq …` tail is the reader's; the test checks that the JSON parses instead.
 * The examples run in the README's order on one sandbox, as a reader would type them.
 */

let sandboxDirectory = '';
beforeAll(async () => {
  sandboxDirectory = await mkdtemp(join(tmpdir(), 'logpoint-onboard-readme-'));
});
afterAll(async () => {
  await rm(sandboxDirectory, { recursive: true, force: true });
});

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

interface Example {
  line: string;
  args: string[];
  expectedExit: number;
  piped: boolean;
}

function operatingExamples(): Example[] {
  const start = README.indexOf('## Operating it');
  const end = README.indexOf('\n## ', start + 1);
  const section = README.slice(start, end);
  const examples: Example[] = [];
  let expectedExit = 0;
  for (const raw of section.split('\n').map((line) => line.trim())) {
    const exits = /^# .*exits (\d)/.exec(raw);
    if (exits) expectedExit = Number(exits[1]);
    if (!raw.startsWith('npx logpoint-onboard')) continue;
    const [command = '', pipe] = raw.split(' | ');
    examples.push({ line: raw, args: command.split(/\s+/).slice(2), expectedExit, piped: pipe !== undefined });
    expectedExit = 0;
  }
  return examples;
}

async function run(args: string[]): Promise<{ code: number; stdout: string }> {
  const streams = captureStreams();
  const code = await main(args, streams, { sandboxDirectory });
  return { code, stdout: streams.text().stdout };
}

describe('the README\'s "Operating it" examples', () => {
  const examples = operatingExamples();

  it('are there to run', () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });

  for (const example of examples) {
    it(`${example.line} exits ${example.expectedExit}`, async () => {
      const { code, stdout } = await run(example.args);

      expect(code).toBe(example.expectedExit);
      // What a `| jq` reads must parse; without --json stdout is for people.
      const parses = (() => {
        try {
          JSON.parse(stdout);
          return true;
        } catch {
          return false;
        }
      })();
      expect(parses || !example.piped).toBe(true);
    });
  }
});
