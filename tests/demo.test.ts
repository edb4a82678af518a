/**
 * `signet demo` end to end: it starts Auth, S2 and S1 as real processes and must report every step
 * as expected (the demo compares each observation with what must happen, and exits non-zero otherwise).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

const STEPS = [
  'S1 gets a token',
  'S1 calls S2',
  'tampered token',
  'another service',
  'without the scope',
  'RS256→HS256',
  'no token',
  'revokes it',
  'rotation during steady',
  'through the gateway',
  'tampered token at the gateway',
  'missing scope at the gateway',
];

test('signet demo exits 0 and reports every step as expected', { timeout: 180_000 }, () => {
  const run = spawnSync(
    process.execPath,
    ['--conditions=signet-source', '--import', 'tsx', 'packages/cli/src/bin.ts', 'demo', '--format', 'json'],
    { encoding: 'utf8', timeout: 170_000 },
  );
  assert.equal(run.status, 0, `demo failed:\n${run.stdout}\n${run.stderr}`);
  const report = JSON.parse(run.stdout) as {
    ok: boolean;
    steps: { step: string; ok: boolean; ms: number }[];
  };
  assert.equal(report.ok, true);
  for (const name of STEPS) {
    const step = report.steps.find((s) => s.step.includes(name));
    assert.ok(step, `step "${name}" missing from the report`);
    assert.equal(step.ok, true, `step "${name}" not as expected`);
  }
  const revocation = report.steps.find((s) => s.step.includes('revokes it')) as unknown as {
    details: { propagationMs: number };
  };
  assert.ok(revocation.details.propagationMs < 1000);
});
