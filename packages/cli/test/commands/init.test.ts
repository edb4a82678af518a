import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli } from '../helpers.js';

describe('signet init', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'signet-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('init creates the KEK and admin token files (0600) and prints the token once', async () => {
    const data = join(dir, 'data');
    const r = await cli(['init', '--data', data, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      created: string[];
      adminToken: string;
      kekFile: string;
      adminTokenFile: string;
    };
    assert.ok(existsSync(out.kekFile));
    assert.equal(statSync(out.kekFile).mode & 0o777, 0o600);
    assert.equal(statSync(out.adminTokenFile).mode & 0o777, 0o600);
    assert.equal(readFileSync(out.adminTokenFile, 'utf8').trim(), out.adminToken);
    const again = await cli(['init', '--data', data, '--format', 'json']);
    assert.equal(again.code, 0);
    const second = JSON.parse(again.stdout) as { created: string[]; adminToken?: string };
    assert.deepEqual(second.created, []);
    assert.equal(second.adminToken, undefined);
  });
});
