import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../e2e/process.js';
import { cli } from '../helpers.js';
import { startServer, type TestServer } from '../server.js';

describe('admin API client: URL, token sources and errors', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it('admin errors: a wrong token exits 1 (ERR_ADMIN_UNAUTHORIZED), an unreachable URL exits 1, no token is printed', async () => {
    const wrong = await cli([
      'keys',
      'list',
      '--admin-url',
      server.adminUrl,
      '--admin-token',
      'x'.repeat(43),
    ]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /refused the admin token/);
    assert.ok(!wrong.stderr.includes('x'.repeat(43)));
    const port = await freePort();
    const down = await cli(['keys', 'list', '--admin-url', `http://127.0.0.1:${port}`, '--data', server.dir]);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /cannot reach the admin API/);
    const noToken = await cli([
      'keys',
      'list',
      '--admin-url',
      server.adminUrl,
      '--data',
      join(server.dir, 'nowhere'),
    ]);
    assert.equal(noToken.code, 1);
    assert.match(noToken.stderr, /signet init/);
  });

  it('the admin token also comes from SIGNET_ADMIN_TOKEN, SIGNET_ADMIN_TOKEN_FILE or --admin-token-file -', async () => {
    const tokenText = readFileSync(join(server.dir, 'admin-token'), 'utf8').trim();
    const env = await cli(
      ['keys', 'list', '--admin-url', server.adminUrl, '--data', join(server.dir, 'nowhere')],
      {
        env: { SIGNET_ADMIN_TOKEN: tokenText },
      },
    );
    assert.equal(env.code, 0, env.stderr);
    const stdin = await cli(['keys', 'list', '--admin-url', server.adminUrl, '--admin-token-file', '-'], {
      stdin: tokenText,
    });
    assert.equal(stdin.code, 0, stdin.stderr);
    const envFile = await cli(
      ['keys', 'list', '--admin-url', server.adminUrl, '--data', join(server.dir, 'nowhere')],
      {
        env: { SIGNET_ADMIN_TOKEN_FILE: join(server.dir, 'admin-token') },
      },
    );
    assert.equal(envFile.code, 0, envFile.stderr);
  });
});
