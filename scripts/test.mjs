// Runs every test file of every package with node's test runner.
// Node 20's `node --test` expands no globs, so the file list is collected here and passed explicitly.
// Usage: node scripts/test.mjs [path-filter…]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function collect(dir, out) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name === 'fixtures') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = collect('packages', [])
  .concat(collect('tests', []))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const typecheck =
  filters.length === 0
    ? spawnSync('npx', ['tsc', '-p', 'test-tsconfig.json'], { stdio: 'inherit' })
    : { status: 0 };
if (typecheck.status !== 0) process.exit(typecheck.status ?? 1);
const r = spawnSync(
  process.execPath,
  [
    '--conditions=signet-source',
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    `--test-concurrency=${process.env.SIGNET_TEST_CONCURRENCY ?? 2}`,
    ...files,
  ],
  { stdio: 'inherit', env: { ...process.env, SIGNET_LOG_LEVEL: process.env.SIGNET_LOG_LEVEL ?? 'silent' } },
);
process.exit(r.status ?? 1);
