import { basename, isAbsolute, relative } from 'node:path';

/** Somewhere text can be written: process.stdout / process.stderr, or a buffer in tests. */
export interface Sink {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/**
 * Everything a command touches outside itself, injected so that the program runs in-process in tests.
 *
 * @example
 * const code = await run(['jwt', 'decode', '-', '--unverified'], nodeContext());
 */
export interface CliContext {
  stdout: Sink;
  stderr: Sink;
  stdin: NodeJS.ReadableStream;
  env: Record<string, string | undefined>;
  cwd: string;
  fetch: typeof fetch;
  /** Calls `handler` on SIGTERM/SIGINT; returns a function that removes it. */
  onSignal(handler: (signal: NodeJS.Signals) => void): () => void;
  /** Ends the process at once (the hard exit after a shutdown that takes too long). */
  exit(code: number): void;
  /** How the user invoked this CLI, for the commands printed in hints (`signet`, `node packages/cli/dist/bin.js`). */
  selfCommand: string;
}

/**
 * The context of the real process.
 *
 * @example
 * process.exitCode = await run(process.argv.slice(2), nodeContext());
 */
export function nodeContext(): CliContext {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    fetch: globalThis.fetch,
    onSignal(handler) {
      const listener = (signal: NodeJS.Signals) => handler(signal);
      process.on('SIGTERM', listener);
      process.on('SIGINT', listener);
      return () => {
        process.off('SIGTERM', listener);
        process.off('SIGINT', listener);
      };
    },
    exit: (code) => process.exit(code),
    selfCommand: selfCommand(process.argv[1], process.cwd()),
  };
}

/** `signet` when run through a bin link, otherwise `node <script>` relative to the working directory. */
function selfCommand(script: string | undefined, cwd: string): string {
  if (script === undefined || basename(script) === 'signet') return 'signet';
  const rel = relative(cwd, script);
  const shown = rel.startsWith('..') || isAbsolute(rel) ? script : rel;
  return shown.endsWith('.ts') ? `node --conditions=signet-source --import tsx ${shown}` : `node ${shown}`;
}
