import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli } from '../helpers.js';

describe('signet migrate', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'signet-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('migrate status lists pending migrations; up applies them; status then has none pending', async () => {
    const db = `sqlite:${join(dir, 'm.db')}`;
    const before = await cli(['migrate', 'status', '--db', db, '--format', 'json']);
    assert.equal(before.code, 0, before.stderr);
    const s0 = JSON.parse(before.stdout) as { applied: string[]; pending: string[] };
    assert.ok(s0.pending.length > 0);
    const up = await cli(['migrate', 'up', '--db', db, '--format', 'json']);
    assert.equal(up.code, 0, up.stderr);
    assert.deepEqual(JSON.parse(up.stdout).applied, s0.pending);
    const after = await cli(['migrate', 'status', '--db', db, '--format', 'json']);
    assert.deepEqual(JSON.parse(after.stdout).pending, []);
    const again = await cli(['migrate', 'up', '--db', db]);
    assert.match(again.stdout, /already at the latest schema/);
  });
});
