/** The README's first example is runnable: extract it and run it in a child process. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

test('README example runs and prints the subject', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(code, 'README has a ts example');
  // A temporary folder inside the package so '@signet/jose' resolves like it does for users.
  const dir = mkdtempSync(join(fileURLToPath(new URL('..', import.meta.url)), '.tmp-readme-'));
  try {
    const file = join(dir, 'example.ts');
    writeFileSync(file, code);
    const r = spawnSync(process.execPath, ['--conditions=signet-source', '--import', 'tsx', file], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'svc-1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
