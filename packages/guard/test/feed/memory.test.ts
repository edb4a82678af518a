/**
 * Memory bound (issue 5): a guard holding 100 000 live revocations keeps under 32 MB of extra heap.
 * Measured in a child process run with --expose-gc (heapUsed after full collections).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const CHILD = fileURLToPath(new URL('./fixtures/memory-child.ts', import.meta.url));
const BOUND = 32 * 1024 * 1024;

describe('revocation feed memory', { timeout: 120_000 }, () => {
  it('100 000 live revocations cost under 32 MB of heap; a check stays a few Map lookups', () => {
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', '--conditions=signet-source', '--import', 'tsx', CHILD],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 110_000 },
    );
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as {
      entries: number;
      extraHeapBytes: number;
      nsAccept: number;
      nsAcceptEmpty: number;
      nsReject: number;
      rejected: number;
      sample: number;
    };
    console.log(
      `100k revocations: ${(r.extraHeapBytes / 2 ** 20).toFixed(1)} MiB extra heap ` +
        `(${Math.round(r.extraHeapBytes / r.entries)} B/entry); check ${r.nsAccept.toFixed(0)} ns (accept; ` +
        `${r.nsAcceptEmpty.toFixed(0)} ns with an empty list), ` +
        `${r.nsReject.toFixed(0)} ns (reject)`,
    );
    assert.equal(r.entries, 100_000);
    assert.equal(r.rejected, r.sample, 'every sampled entry kills its token');
    assert.ok(r.extraHeapBytes > 0);
    assert.ok(r.extraHeapBytes < BOUND, `${r.extraHeapBytes} bytes ≥ 32 MiB`);
  });
});
