// Runs every test file of every package with node's test runner.
// Node 20's `node --test` expands no globs, so the file list is collected here and passed explicitly.
// Tests that run the whole suite again (the README quick start on a fresh clone) run last, alone.
// Usage: node scripts/test.mjs [path-filter…]
import { spawn, spawnSync } from 'node:child_process';
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

const ALONE = ['tests/quickstart.test.ts'];
const filters = process.argv.slice(2);
const files = collect('packages', [])
  .concat(collect('tests', []))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
if (filters.length === 0) {
  const typecheck = spawnSync('npx', ['tsc', '-p', 'test-tsconfig.json'], { stdio: 'inherit' });
  if (typecheck.status !== 0) process.exit(typecheck.status ?? 1);
}

const totals = { pass: 0, fail: 0, skipped: 0 };

/** Runs node's test runner on `list`, echoing its output and adding up its closing counts. */
function runTests(list, concurrency) {
  const args = ['--conditions=signet-source', '--import', 'tsx', '--test', '--test-reporter=spec'];
  args.push(`--test-concurrency=${concurrency}`, ...list);
  const env = { ...process.env, SIGNET_LOG_LEVEL: process.env.SIGNET_LOG_LEVEL ?? 'silent' };
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
  const counts = {};
  let partial = '';
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const match = /^ℹ (pass|fail|skipped) (\d+)$/.exec(line);
      if (match) counts[match[1]] = Number(match[2]);
    }
  });
  return new Promise((done) => {
    child.on('exit', (code) => {
      for (const key of Object.keys(totals)) totals[key] += counts[key] ?? 0;
      done(code ?? 1);
    });
  });
}

const concurrency = process.env.SIGNET_TEST_CONCURRENCY ?? '2';
const first = files.filter((f) => !ALONE.includes(f));
const last = files.filter((f) => ALONE.includes(f));
let status = first.length > 0 ? await runTests(first, concurrency) : 0;
if (last.length > 0) status = (await runTests(last, 1)) || status;
console.log(`\n${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
if (totals.pass + totals.fail === 0) {
  console.error('no test ran');
  process.exit(1);
}
process.exit(status);
