import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliContext } from './context.js';
import { CliError, UsageError } from './errors.js';

/** Largest input read from stdin or a file argument (tokens, JWKS, keys, claims). */
const MAX_INPUT_BYTES = 4 * 1024 * 1024;

const consumed = new WeakSet<object>();

/**
 * Reads all of stdin as UTF-8. Stdin can be read once per command; a second `-` is a usage error.
 *
 * @example
 * const token = (await readStdin(ctx)).trim();
 */
export async function readStdin(ctx: CliContext): Promise<string> {
  if (consumed.has(ctx.stdin)) throw new UsageError('only one argument can be read from stdin ("-")');
  consumed.add(ctx.stdin);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.stdin) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    size += buf.length;
    if (size > MAX_INPUT_BYTES) throw new CliError('ERR_INPUT_TOO_LARGE', 'stdin is larger than 4 MiB');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A literal argument, or stdin when it is `-`.
 *
 * @example
 * const token = await readValueArg(ctx, tokenArg); // "eyJ…" or the contents of stdin for "-"
 */
export async function readValueArg(ctx: CliContext, value: string): Promise<string> {
  return value === '-' ? (await readStdin(ctx)).trim() : value;
}

/**
 * The contents of a file argument, or stdin when it is `-`.
 *
 * @example
 * const jwks = JSON.parse(await readFileArg(ctx, 'jwks.json', 'JWKS'));
 */
export async function readFileArg(ctx: CliContext, path: string, what: string): Promise<string> {
  if (path === '-') return readStdin(ctx);
  try {
    const text = await readFile(resolve(ctx.cwd, path), 'utf8');
    if (Buffer.byteLength(text) > MAX_INPUT_BYTES) {
      throw new CliError('ERR_INPUT_TOO_LARGE', `${what} file ${path} is larger than 4 MiB`);
    }
    return text;
  } catch (err) {
    if (err instanceof CliError) throw err;
    const reason = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new CliError('ERR_INPUT_UNREADABLE', `cannot read ${what} file ${path} (${reason})`, {
      cause: err,
    });
  }
}

/**
 * Parses JSON given by the user, naming what it was on failure (never echoing the input, which may be secret).
 *
 * @example
 * const claims = parseJsonArg(text, '--claims');
 */
export function parseJsonArg(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${what} is not valid JSON`);
  }
}

/** Where a secret may come from, highest precedence first. */
export interface SecretSources {
  /** Path given with a `--…-file` flag; `-` means stdin. */
  file?: string | undefined;
  /** Value given directly in argv (accepted for convenience; visible in `ps`). */
  value?: string | undefined;
  /** Name of the environment variable. */
  envName: string;
  /** The flag names, for messages. */
  fileFlag: string;
  valueFlag: string;
}

/**
 * Resolves a secret from a file (or stdin), argv, or the environment — in that order — or `undefined`.
 *
 * @example
 * const secret = await readSecret(ctx, { file: opts.clientSecretFile, value: opts.clientSecret,
 *   envName: 'SIGNET_CLIENT_SECRET', fileFlag: '--client-secret-file', valueFlag: '--client-secret' });
 */
export async function readSecret(ctx: CliContext, sources: SecretSources): Promise<string | undefined> {
  if (sources.file !== undefined && sources.value !== undefined) {
    throw new UsageError(`pass either ${sources.fileFlag} or ${sources.valueFlag}, not both`);
  }
  if (sources.file !== undefined) {
    const text = (await readFileArg(ctx, sources.file, 'secret')).trim();
    if (text === '') throw new CliError('ERR_SECRET_EMPTY', `the secret read from ${sources.file} is empty`);
    return text;
  }
  if (sources.value !== undefined) return sources.value;
  const env = ctx.env[sources.envName];
  return env === undefined || env === '' ? undefined : env;
}

/**
 * Commander argument parser for repeatable options: `--aud a --aud b` → `['a', 'b']`.
 *
 * @example
 * command.option('--audience <aud>', 'accepted audience (repeatable)', collect);
 */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
