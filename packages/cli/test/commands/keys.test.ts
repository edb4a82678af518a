import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cli } from '../helpers.js';
import { startServer, type TestServer } from '../server.js';

describe('signet keys', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it('keys list, rotate and revoke', async () => {
    const list = await cli(['keys', 'list', ...server.admin, '--format', 'json']);
    assert.equal(list.code, 0, list.stderr);
    const before = (JSON.parse(list.stdout) as { keys: { kid: string; state: string }[] }).keys;
    assert.ok(before.some((k) => k.state === 'active'));
    const rotated = await cli(['keys', 'rotate', ...server.admin, '--format', 'json']);
    assert.equal(rotated.code, 0, rotated.stderr);
    const after = (JSON.parse(rotated.stdout) as { keys: { kid: string; state: string }[] }).keys;
    const added = after.find((k) => !before.some((b) => b.kid === k.kid));
    assert.ok(added, 'rotate adds a key');
    const text = await cli(['keys', 'list', ...server.admin]);
    assert.match(text.stdout, /^KID +ALG +STATE/);
    const revoked = await cli(['keys', 'revoke', added.kid, ...server.admin, '--format', 'json']);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(JSON.parse(revoked.stdout).key.kid, added.kid);
    const jwks = (await (await fetch(`${server.issuer}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string }[];
    };
    assert.ok(!jwks.keys.some((k) => k.kid === added.kid), 'a revoked key leaves the JWKS');
    const unknown = await cli(['keys', 'revoke', 'no-such-kid', ...server.admin]);
    assert.equal(unknown.code, 1);
  });
});
