import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli } from '../helpers.js';

describe('signet config print', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'signet-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('config print: flags over env over defaults, secrets redacted', async () => {
    const kek = Buffer.alloc(32, 7).toString('base64url');
    const r = await cli(['config', 'print', '--port', '9999', '--format', 'json'], {
      env: { SIGNET_PORT: '7000', SIGNET_ADMIN_PORT: '7001', SIGNET_KEK: kek },
    });
    assert.equal(r.code, 0, r.stderr);
    const c = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(c.port, 9999);
    assert.equal(c.adminPort, 7001);
    assert.equal(c.kek, '***');
    assert.ok(!r.stdout.includes(kek));
    const text = await cli(['config', 'print', '--db', 'postgres://u:hunter2@db/signet']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^signing\.alg: "ES256"$/m);
    assert.ok(!text.stdout.includes('hunter2'));
  });

  it('config print: an invalid config file or value exits 1 naming the setting', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'prot: 8080\n');
    const r = await cli(['config', 'print', '--config', file]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /prot/);
    assert.equal((await cli(['config', 'print', '--port', 'eighty'])).code, 2);
  });
});
