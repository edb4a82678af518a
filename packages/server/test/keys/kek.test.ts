import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { loadConfig } from '../../src/config/load.js';
import { createSignetServer, KekError, Keyring } from '../../src/index.js';
import { basic, startTestServer } from '../helpers/server.js';

describe('Keyring (KEK envelope)', () => {
  it('seals with the first KEK and opens with any', () => {
    const a = Keyring.generate();
    const b = Keyring.generate();
    const env = Keyring.parse(a).seal(Buffer.from('secret'), 'kid-1');
    assert.equal(Keyring.parse(`${b},${a}`).open(env, 'kid-1').toString(), 'secret');
    assert.equal(Keyring.envelopeKekId(env), Keyring.parse(a).primaryId);
    assert.throws(() => Keyring.parse(b).open(env, 'kid-1'), { code: 'ERR_KEK_UNKNOWN' });
  });

  it('binds the envelope to its row (additional data) and detects tampering', () => {
    const ring = Keyring.parse(Keyring.generate());
    const env = ring.seal(Buffer.from('secret'), 'kid-1');
    assert.throws(() => ring.open(env, 'kid-2'), { code: 'ERR_KEK_DECRYPT' });
    const parts = env.split('.');
    parts[4] = Buffer.from('xxxxxx').toString('base64url');
    assert.throws(() => ring.open(parts.join('.'), 'kid-1'), { code: 'ERR_KEK_DECRYPT' });
    assert.throws(() => ring.open('garbage', 'kid-1'), KekError);
  });

  it('refuses malformed KEKs', () => {
    assert.throws(() => Keyring.parse(''), { code: 'ERR_KEK_INVALID' });
    assert.throws(() => Keyring.parse('short'), { code: 'ERR_KEK_INVALID' });
    assert.throws(() => Keyring.parse(`${Keyring.generate()},!!!`), { code: 'ERR_KEK_INVALID' });
  });
});

describe('signing keys at rest', () => {
  it('stores private keys only encrypted; without the KEK they cannot be used', async () => {
    const kek = Keyring.generate();
    const t = await startTestServer({ kek });
    const db = `${t.dir}/signet.db`;
    try {
      const rows = new Database(db, { readonly: true }).prepare('select * from signing_keys').all() as Record<
        string,
        unknown
      >[];
      assert.ok(rows.length >= 1);
      const text = JSON.stringify(rows);
      assert.ok(!text.includes('"d"') && !text.includes('\\"d\\"'), 'no private JWK member in the database');
      assert.ok(/v1\.[A-Za-z0-9_-]+\./.test(text), 'an envelope is stored');
    } finally {
      await t.server.close();
    }
    // Another KEK: the start is refused (the stored key cannot be decrypted).
    const other = loadConfig({
      flags: { dataDir: t.dir, port: 0, adminPort: 0, kek: Keyring.generate(), logLevel: 'silent' },
      env: {},
    });
    await assert.rejects(createSignetServer(other, { now: t.clock.now, timers: false }), {
      code: 'ERR_KEK_UNKNOWN',
    });
    await t.close();
  });

  it('survives a KEK rotation: new,old decrypts; rewrap; then new alone', async () => {
    const oldKek = Keyring.generate();
    const newKek = Keyring.generate();
    const t = await startTestServer({ kek: oldKek });
    const c = await t.createClient({ name: 'k', audiences: ['https://a'] });
    const auth = { authorization: basic(c.client.client_id, c.client_secret!) };
    const jwksBefore = (await t.server.public.inject({ url: '/.well-known/jwks.json' })).body;
    await t.server.close();
    const open = async (kek: string) =>
      createSignetServer(
        loadConfig({ flags: { dataDir: t.dir, port: 0, adminPort: 0, kek, logLevel: 'silent' }, env: {} }),
        {
          now: t.clock.now,
          timers: false,
        },
      );
    const issue = async (s: Awaited<ReturnType<typeof open>>) =>
      s.public.inject({
        method: 'POST',
        url: '/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth },
        payload: 'grant_type=client_credentials',
      });
    const s1 = await open(`${newKek},${oldKek}`);
    assert.equal((await issue(s1)).statusCode, 200);
    assert.equal((await s1.public.inject({ url: '/.well-known/jwks.json' })).body, jwksBefore);
    assert.equal(await s1.rewrapKeys(), 1);
    await s1.close();
    const s2 = await open(newKek);
    assert.equal((await issue(s2)).statusCode, 200);
    await s2.close();
    await t.close();
  });

  it('refuses to start without a KEK unless in dev mode', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/signet-nokek-`);
    try {
      const config = loadConfig({
        flags: { dataDir: dir, port: 0, adminPort: 0, logLevel: 'silent' },
        env: {},
      });
      await assert.rejects(createSignetServer(config, { timers: false }), { code: 'ERR_KEK_MISSING' });
      const dev = await createSignetServer({ ...config, dev: true, logLevel: 'silent' }, { timers: false });
      assert.equal((await dev.public.inject({ url: '/readyz' })).statusCode, 200);
      await dev.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
