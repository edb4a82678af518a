import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSignetServer, loadConfig } from '@signet/server';
import { cli } from '../helpers.js';

/** Starts and stops the server once with `kek`, returning the kids it publishes (or the error code). */
async function boot(dir: string, kek: string): Promise<{ kids?: string[]; error?: string }> {
  const config = loadConfig({ flags: { dataDir: dir, port: 0, adminPort: 0, kek, logLevel: 'silent' } });
  try {
    const server = await createSignetServer(config, { timers: false });
    const res = await server.public.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    await server.close();
    return { kids: (res.json() as { keys: { kid: string }[] }).keys.map((k) => k.kid).sort() };
  } catch (err) {
    return { error: String((err as { code?: unknown }).code ?? err) };
  }
}

describe('signet keys new-kek | rewrap (KEK rotation)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'signet-cli-kek-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('re-encrypts the signing keys under a new first KEK, after which the old KEK can be dropped', async () => {
    assert.equal((await cli(['init', '--data', dir])).code, 0);
    const oldKek = readFileSync(join(dir, 'kek'), 'utf8').trim();
    const first = await boot(dir, oldKek);
    assert.ok(first.kids !== undefined && first.kids.length > 0, first.error);

    const r = await cli(['keys', 'new-kek', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const newKek = (JSON.parse(r.stdout) as { kek: string }).kek;
    assert.notEqual(newKek, oldKek);
    assert.ok(
      (await boot(dir, newKek)).error !== undefined,
      'keys sealed under the old KEK need it before rewrap',
    );

    const rewrap = await cli(['keys', 'rewrap', '--data', dir, '--format', 'json'], {
      env: { SIGNET_KEK: `${newKek},${oldKek}` },
    });
    assert.equal(rewrap.code, 0, rewrap.stderr);
    assert.ok((JSON.parse(rewrap.stdout) as { rewrapped: number }).rewrapped >= 1);
    assert.ok(!rewrap.stdout.includes(newKek) && !rewrap.stderr.includes(newKek));
    assert.deepEqual(await boot(dir, newKek), { kids: first.kids });
  });
});
