import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A child process of the demo that printed `listening on <url>`. */
export interface DemoProcess {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it wrote to stderr (for the failure message). */
  output(): string;
  stop(): Promise<void>;
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The repository root (where `examples/` lives), found upwards from this module. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'examples', 's1-s2', 's2.ts'))) return dir;
    dir = resolve(dir, '..');
  }
  throw new Error('signet demo runs from a Signet checkout (examples/s1-s2 not found)');
}

/** This CLI's own entry point, as source or as built JavaScript, whichever is running. */
export function selfBin(): string {
  const here = fileURLToPath(import.meta.url);
  return join(dirname(here), '..', here.endsWith('.ts') ? 'bin.ts' : 'bin.js');
}

/** Node arguments that run TypeScript sources of the workspace (the examples are TypeScript). */
export const TS_ARGS = ['--conditions=signet-source', '--import', 'tsx'];

/**
 * Starts a process and resolves once it prints `listening on <url>` (on stdout or stderr).
 * Rejects with its output if it exits first or stays silent for `timeoutMs`.
 */
export function startProcess(
  name: string,
  args: string[],
  options: { env?: Record<string, string>; cwd: string; timeoutMs?: number },
): Promise<DemoProcess> {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`${name} did not start within ${options.timeoutMs ?? 30_000} ms:\n${output}`));
    }, options.timeoutMs ?? 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > 64 * 1024) output = output.slice(-32 * 1024);
      const match = /listening on (http:\/\/[^\s)]+)/.exec(output);
      if (match?.[1] && timer.hasRef()) {
        clearTimeout(timer);
        timer.unref();
        done({
          name,
          url: match[1].replace(/\/$/, ''),
          child,
          output: () => output,
          stop: () => stopProcess(child),
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      if (timer.hasRef()) {
        clearTimeout(timer);
        fail(new Error(`${name} exited with code ${code} before it was ready:\n${output}`));
      }
    });
  });
}

/** SIGTERM, then SIGKILL after 5 s. */
export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(hard);
      done();
    });
    child.kill('SIGTERM');
  });
}
