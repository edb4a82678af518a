/**
 * The README's quick start, exactly as written, on a fresh clone: the first command installs and runs
 * the Auth service on embedded SQLite (until it is ready, then stopped with SIGTERM), the second installs
 * and runs the whole test suite (in which this file skips itself, or it would recurse).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const root = resolve(import.meta.dirname, '..');
const nested = process.env.SIGNET_QUICKSTART_NESTED === '1';

/** The commands of the README's "Quick start" code block, comments removed. */
function quickStart(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.split(/^## Quick start$/m)[1] ?? '';
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
}

function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function run(command: string, cwd: string, env: Record<string, string>): ChildProcess {
  // Inside a test, node's runner marks the environment (NODE_TEST_CONTEXT) and a nested `node --test`
  // would skip every file: the clone's suite must run as it would from a terminal.
  const { NODE_TEST_CONTEXT: _, ...outer } = process.env;
  return spawn('sh', ['-c', command], {
    cwd,
    env: { ...outer, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((done) => {
    if (child.exitCode !== null) done(child.exitCode);
    else child.once('exit', (code) => done(code));
  });
}

test('the README quick start has exactly two commands', () => {
  const commands = quickStart();
  assert.equal(commands.length, 2, `quick start: ${JSON.stringify(commands)}`);
});

test('the README quick start works on a fresh clone', {
  skip: nested && 'nested run',
  timeout: 60 * 60_000,
}, async (t) => {
  const [serve, tests] = quickStart();
  assert.ok(serve && tests);
  const dir = mkdtempSync(join(tmpdir(), 'signet-quickstart-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync('git', ['clone', '-q', root, join(dir, 'main')]);
  // The clone's tests read the conformance vectors from ../shared, as in CI.
  symlinkSync(resolve(root, '..', 'shared'), join(dir, 'shared'));
  const cwd = join(dir, 'main');

  await t.test(`${serve} runs the Auth service`, { timeout: 15 * 60_000 }, async () => {
    const [port, adminPort] = [await freePort(), await freePort()];
    const child = run(serve, cwd, {
      SIGNET_PORT: String(port),
      SIGNET_ADMIN_PORT: String(adminPort),
      SIGNET_ISSUER: `http://localhost:${port}`,
    });
    let output = '';
    child.stdout?.on('data', (c) => (output += c));
    child.stderr?.on('data', (c) => (output += c));
    try {
      const ready = await new Promise<boolean>((done) => {
        const timer = setInterval(() => {
          if (/listening on/.test(output)) {
            clearInterval(timer);
            done(true);
          } else if (child.exitCode !== null) {
            clearInterval(timer);
            done(false);
          }
        }, 200);
      });
      assert.ok(ready, `the server did not start:\n${output.slice(-4000)}`);
      const readyz = await fetch(`http://127.0.0.1:${port}/readyz`);
      assert.equal(readyz.status, 200);
      const metadata = (await (
        await fetch(`http://127.0.0.1:${port}/.well-known/oauth-authorization-server`)
      ).json()) as {
        issuer: string;
      };
      assert.equal(metadata.issuer, `http://localhost:${port}`);
      assert.match(output, /curl/, 'the first-run message shows a curl command to try');
    } finally {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    }
    const code = await exited(child);
    assert.ok(code === 0 || code === null || code === 143, `exit code ${code}:\n${output.slice(-2000)}`);
  });

  await t.test(`${tests} runs the whole suite`, { timeout: 45 * 60_000 }, async () => {
    const child = run(tests, cwd, { SIGNET_QUICKSTART_NESTED: '1' });
    let output = '';
    child.stdout?.on('data', (c) => (output += c));
    child.stderr?.on('data', (c) => (output += c));
    const code = await exited(child);
    assert.equal(code, 0, `npm test failed in the clone:\n${output.slice(-6000)}`);
    assert.match(output, /^[1-9]\d* passed, 0 failed/m);
  });
});
