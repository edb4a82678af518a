import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cli } from './helpers.js';

describe('signet program: exit codes and usage', () => {
  it('exits 0 with help on --help, on stdout', async () => {
    const r = await cli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: signet/);
    assert.match(r.stdout, /serve/);
    assert.match(r.stdout, /clients/);
    assert.match(r.stdout, /gateway/);
    assert.match(r.stdout, /jwt/);
  });

  it('exits 0 with the version on --version', async () => {
    const r = await cli(['--version']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it("exits 2 (not commander's 1) on an unknown command, with a suggestion on stderr", async () => {
    const r = await cli(['clinets']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /unknown command/);
    assert.match(r.stderr, /clients/);
  });

  it('exits 2 on an unknown option', async () => {
    const r = await cli(['jwt', 'decode', 'x', '--unverified', '--frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option/);
  });

  it('exits 2 on a missing argument or required option', async () => {
    assert.equal((await cli(['jwt', 'decode'])).code, 2);
    assert.equal((await cli(['clients', 'create'])).code, 2);
    assert.equal((await cli(['jwt', 'verify', 'x'])).code, 2);
  });

  it('exits 2 when no command is given, with help on stderr', async () => {
    const r = await cli([]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Usage: signet/);
  });

  it('exits 2 on an invalid --format choice', async () => {
    const r = await cli(['keys', 'list', '--format', 'yaml']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Allowed choices are text, json/);
  });

  it('exits 2 on an excess argument', async () => {
    const r = await cli(['keys', 'list', 'extra']);
    assert.equal(r.code, 2);
  });
});
