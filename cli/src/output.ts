/**
 * How the CLI speaks: human text by default (progress on stderr, results on stdout), or with
 * `--json` exactly one JSON document on stdout and nothing else there. Failures are CliError
 * with one of the documented exit codes.
 */
export const EXIT = { ok: 0, error: 1, usage: 2, needsApproval: 3, conflict: 4 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.error,
    /** Extra fields of the --json error document (e.g. the API's error code, template errors). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface Output {
  readonly json: boolean;
  /** A line of human output on stdout (suppressed with --json). */
  say(line: string): void;
  /** Progress on stderr, for long work (suppressed with --json and when stderr is not a terminal… unless XR2_PROGRESS=1). */
  progress(line: string): void;
}

export function createOutput(json: boolean): Output {
  const showProgress = !json && (process.stderr.isTTY || process.env.XR2_PROGRESS === "1");
  return {
    json,
    say: (line) => {
      if (!json) process.stdout.write(`${line}\n`);
    },
    progress: (line) => {
      if (showProgress) process.stderr.write(`${line}\n`);
    },
  };
}
