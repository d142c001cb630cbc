/** Where the CLI reads and writes: the process, or a test's buffers. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The environment: the only place secrets come from. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Relative paths (--registry, --file, --out, --ca, --data) resolve against it. */
  readonly cwd: string;
  /** Fires when the user interrupts (Ctrl+C): long work is cancelled. */
  readonly signal?: AbortSignal;
}

export function processIo(signal?: AbortSignal): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    signal,
  };
}
