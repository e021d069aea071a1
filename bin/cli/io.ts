/**
 * Where the CLI writes. With `--json` stdout carries one JSON document and nothing else; every
 * line for people goes to stderr then, so `logpoint-onboard … --json | jq` always parses.
 */
export interface CliStreams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Whether people watch (progress is drawn then); false for pipes, files and CI logs. */
  interactive: boolean;
}

export interface CliOutput {
  json: boolean;
  interactive: boolean;
  /** A line for people: stdout, or stderr under `--json`. */
  say(line: string): void;
  /** The command's one JSON document (only under `--json`). */
  result(document: unknown): void;
  /** Where progress renderers draw. */
  progressStream: NodeJS.WritableStream;
}

export function cliOutput(streams: CliStreams, json: boolean): CliOutput {
  const human = json ? streams.stderr : streams.stdout;
  return {
    json,
    interactive: streams.interactive && !json,
    say: (line) => void human.write(`${line}\n`),
    result: (document) => {
      if (json) streams.stdout.write(`${JSON.stringify(document)}\n`);
    },
    progressStream: human,
  };
}

/** Exit codes: 0 the operation succeeded, 1 it failed, 2 the command line was wrong. */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;
