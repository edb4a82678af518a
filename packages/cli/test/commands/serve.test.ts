import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../e2e/process.js';
import { cli } from '../helpers.js';

/** Runs `signet serve` in-process; `whileUp` runs once it is listening, then SIGTERM is delivered. */
async function serve(args: string[], whileUp: (stderr: string) => Promise<void> = async () => {}) {
  let up!: (stderr: string) => void;
  const listening = new Promise<string>((resolve) => (up = resolve));
  const stop = listening.then(whileUp);
  const result = await cli(['serve', ...args], {
    env: { SIGNET_LOG_LEVEL: 'silent' },
    signal: stop,
    onStderr: (text) => {
      if (/listening on/.test(text)) up(text);
    },
  });
  await Promise.race([stop, Promise.resolve()]);
  return result;
}

describe('signet serve (in-process)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'signet-cli-serve-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--dev on a fresh directory: says what it created and what to try next, serves, stops on SIGTERM (exit 0)', async () => {
    const data = join(dir, 'dev');
    let ready = '';
    const r = await serve(['--dev', '--data', data, '--port', '0', '--admin-port', '0'], async (stderr) => {
      const url = /listening on (\S+)/.exec(stderr)?.[1] as string;
      ready = String((await fetch(`${url}/readyz`)).status);
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(ready, '200');
    assert.match(r.stderr, /first run, created:/);
    assert.match(r.stderr, /dev +\(data directory\)/);
    assert.match(r.stderr, /dev\/kek +\(key-encryption key/);
    assert.match(r.stderr, /dev\/admin-token +\(admin API token/);
    assert.match(r.stderr, /signet\.db +\(database, migrated\)/);
    const adminUrl = /\(admin (\S+)\)/.exec(r.stderr)?.[1] as string;
    assert.match(
      r.stderr,
      new RegExp(`eval "\\$\\(signet clients create --data \\S+ --admin-url ${adminUrl} --name s1`),
    );
    assert.match(
      r.stderr,
      /curl -s -u "\$SIGNET_CLIENT_ID:\$SIGNET_CLIENT_SECRET" -d grant_type=client_credentials/,
    );
    assert.match(r.stderr, /warning: the issuer http:\/\/localhost:8080 is not this server's port/);
    assert.match(r.stderr, /SIGTERM received, shutting down\nsignet: stopped\n$/);

    const again = await serve(['--dev', '--data', data, '--port', '0', '--admin-port', '0']);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /first run/);
  });

  it('no warning when --issuer names the port it listens on', async () => {
    const port = await freePort();
    const r = await serve([
      '--dev',
      '--data',
      join(dir, 'iss'),
      '--port',
      String(port),
      '--admin-port',
      '0',
      '--issuer',
      `http://localhost:${port}`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /warning/);
  });

  it('after signet init, starts without --dev on the KEK it created', async () => {
    const data = join(dir, 'initialised');
    assert.equal((await cli(['init', '--data', data])).code, 0);
    const r = await serve(['--data', data, '--port', '0', '--admin-port', '0']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /signet\.db +\(database, migrated\)/);
    assert.doesNotMatch(r.stderr, /key-encryption key:/, 'nothing but the database is created');
  });

  it('refuses to start without a KEK outside --dev (exit 1, says how to get one)', async () => {
    const r = await cli(['serve', '--data', join(dir, 'nokek'), '--port', '0', '--admin-port', '0'], {
      env: { SIGNET_LOG_LEVEL: 'silent' },
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /refusing to start without a key-encryption key/);
    assert.match(r.stderr, /signet init/);
    assert.match(r.stderr, /--dev/);
  });

  it('a port in use exits 1 with a clear message', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await cli(
        ['serve', '--dev', '--data', join(dir, 'busy'), '--port', String(port), '--admin-port', '0'],
        {
          env: { SIGNET_LOG_LEVEL: 'silent' },
        },
      );
      assert.equal(r.code, 1);
      assert.match(r.stderr, /address in use/);
    } finally {
      blocker.close();
    }
  });

  it('rejects a bad port as a usage error (exit 2)', async () => {
    assert.equal((await cli(['serve', '--port', '99999'])).code, 2);
  });
});
