import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cli } from '../helpers.js';
import { startServer, type TestServer } from '../server.js';

describe('signet revoke', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it('revoke: exactly one target (exit 2 otherwise); a jti revocation is created', async () => {
    assert.equal((await cli(['revoke', ...server.admin])).code, 2);
    assert.equal((await cli(['revoke', '--jti', 'a', '--subject', 'b', ...server.admin])).code, 2);
    const r = await cli([
      'revoke',
      '--jti',
      'jti-123',
      '--reason',
      'test',
      ...server.admin,
      '--format',
      'json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const rev = JSON.parse(r.stdout).revocation as Record<string, unknown>;
    assert.equal(rev.kind, 'jti');
    assert.equal(rev.value, 'jti-123');
    const kid = await cli(['revoke', '--kid', 'no-such-kid', ...server.admin]);
    assert.equal(kid.code, 1);
    assert.match(kid.stderr, /no such key/);
  });
});
