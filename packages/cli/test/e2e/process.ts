import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** Repository root: the e2e tests spawn the CLI from there, as a user of a fresh clone would. */
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = 'packages/cli/src/bin.ts';

/** The CLI through tsx with the signet-source condition: no build needed. */
export function cliArgs(args: readonly string[]): string[] {
  return ['--conditions=signet-source', '--import', 'tsx', BIN, ...args];
}

/** Environment for spawned CLIs: quiet server logs, no SIGNET_* leaking in from the caller. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SIGNET_')) env[k] = v;
  return { ...env, SIGNET_LOG_LEVEL: 'silent', ...extra };
}

/** A free TCP port on 127.0.0.1 (bound, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Runs the CLI to completion. */
export async function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; stdin?: string; timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, cliArgs(args), { cwd: ROOT, env: cliEnv(options.env) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(options.stdin ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** A long-running CLI process (serve, gateway) and its captured stderr. */
export interface Running {
  child: ChildProcess;
  stderr(): string;
  exited: Promise<number | null>;
}

/**
 * Starts a long-running CLI command and waits (bounded) until its stderr matches `ready`.
 *
 * @example
 * const server = await startCli(['serve', '--dev', ...], /listening on (\S+)/);
 */
export async function startCli(
  args: readonly string[],
  ready: RegExp,
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Running & { match: RegExpMatchArray }> {
  const child = spawn(process.execPath, cliArgs(args), { cwd: ROOT, env: cliEnv(options.env) });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  child.stdout?.resume();
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`not ready within ${options.timeoutMs ?? 30_000} ms; stderr:\n${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = ready.exec(stderr);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ready; stderr:\n${stderr}`));
    });
  });
  return { child, stderr: () => stderr, exited, match };
}

/** Stops a running process with SIGKILL if it is still alive. */
export async function kill(running: Running | undefined): Promise<void> {
  if (running === undefined || running.child.exitCode !== null || running.child.signalCode !== null) return;
  running.child.kill('SIGKILL');
  await running.exited;
}
