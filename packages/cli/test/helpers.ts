import { Readable } from 'node:stream';
import type { CliContext } from '../src/lib/context.js';
import { run } from '../src/program.js';

/** What one in-process CLI run produced. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of an in-process run. */
export interface RunOptions {
  stdin?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Resolves when the command should receive SIGTERM (serve, audit tail --follow). */
  signal?: Promise<unknown>;
  /** fetch used by the command (default the global one). */
  fetch?: typeof fetch;
  /** Sees stderr as it is written (e.g. to wait for "listening on"). */
  onStderr?: (text: string) => void;
}

/**
 * Runs the CLI in-process with captured stdout/stderr and returns the exit code and output.
 *
 * @example
 * const r = await cli(['jwt', 'decode', token, '--unverified']);
 */
export async function cli(argv: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const exits: number[] = [];
  // One SIGTERM, delivered to the handlers registered when `signal` resolves (not to later ones).
  const handlers = new Set<(signal: NodeJS.Signals) => void>();
  void options.signal?.then(() => {
    for (const handler of [...handlers]) handler('SIGTERM');
  });
  const ctx: CliContext = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: {
      write: (s: string) => {
        stderr += s;
        options.onStderr?.(stderr);
        return true;
      },
    },
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    fetch: options.fetch ?? globalThis.fetch,
    onSignal(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    exit: (code) => {
      exits.push(code);
    },
    selfCommand: 'signet',
  };
  const code = await run(argv, ctx);
  if (exits.length > 0) throw new Error(`the command asked for a hard exit (${exits.join(',')})`);
  return { code, stdout, stderr };
}
