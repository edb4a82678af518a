/**
 * Why does an ES256 signature cost more inside a server than in a tight loop? Measures the CPU time of
 * `crypto.sign` in a tight loop and with other work between two calls: touching a buffer of
 * growing size (evicts the CPU caches the signature's tables and code live in), allocating garbage (GC),
 * and yielding to the event loop. Variants run interleaved in rounds; medians are printed.
 *
 * Usage: `taskset -c 0 node --import tsx bench/servers/sign-in-context.ts` (ROUNDS, CALLS).
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { median } from '../lib/runner.js';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const input = Buffer.from(`${'eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCJ9'}.${'x'.repeat(260)}`);
const key = { key: privateKey, dsaEncoding: 'ieee-p1363' as const };
const calls = Number(process.env.CALLS ?? 2000);
const rounds = Number(process.env.ROUNDS ?? 7);

function touch(buf: Uint32Array): number {
  let s = 0;
  // One read and one write per 64-byte line: enough to pull the whole buffer through the caches.
  for (let i = 0; i < buf.length; i += 16) {
    s += buf[i]!;
    buf[i] = s;
  }
  return s;
}

let sink = 0;
const cpuMicros = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

// CPU time, not wall time: a machine shared with other work preempts us, and CPU time does not count that.
// The cost of one signature is (CPU of `calls` × (between + sign) − CPU of `calls` × between) / calls.
function timed(between: () => void): number {
  const t0 = cpuMicros();
  for (let i = 0; i < calls; i++) between();
  const t1 = cpuMicros();
  for (let i = 0; i < calls; i++) {
    between();
    sink += sign('sha256', input, key)[0]!;
  }
  const t2 = cpuMicros();
  return (t2 - t1 - (t1 - t0)) / calls;
}

async function timedYield(): Promise<number> {
  const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
  const t0 = cpuMicros();
  for (let i = 0; i < calls; i++) await tick();
  const t1 = cpuMicros();
  for (let i = 0; i < calls; i++) {
    await tick();
    sink += sign('sha256', input, key)[0]!;
  }
  const t2 = cpuMicros();
  return (t2 - t1 - (t1 - t0)) / calls;
}

const buffers = {
  '64 KiB': new Uint32Array(64 * 256),
  '512 KiB': new Uint32Array(512 * 256),
  '4 MiB': new Uint32Array(4 * 1024 * 256),
  '32 MiB': new Uint32Array(32 * 1024 * 256),
};
const variants: [string, () => number | Promise<number>][] = [
  ['tight loop', () => timed(() => {})],
  ...Object.entries(buffers).map(([name, buf]): [string, () => number] => [
    `touch ${name} between calls`,
    () => timed(() => void touch(buf)),
  ]),
  [
    'allocate 64 KiB of small objects between calls',
    () =>
      timed(() => {
        const a: unknown[] = [];
        for (let i = 0; i < 1000; i++) a.push({ i, s: `v${i}` });
        sink += a.length;
      }),
  ],
  ['setImmediate between calls', () => timedYield()],
];

const samples = variants.map(() => [] as number[]);
for (let r = 0; r < rounds; r++) {
  for (let j = 0; j < variants.length; j++) {
    const i = (j + r) % variants.length;
    samples[i]!.push(await variants[i]![1]());
  }
}
const base = median(samples[0]!);
console.log(
  `ES256 crypto.sign, CPU µs per call (median of ${rounds} rounds × ${calls} calls), node ${process.version}, OpenSSL ${process.versions.openssl}`,
);
for (let i = 0; i < variants.length; i++) {
  const m = median(samples[i]!);
  console.log(`${variants[i]![0].padEnd(48)} ${m.toFixed(1).padStart(7)} µs  ${(m / base).toFixed(2)}×`);
}
if (sink === -1) console.log('');
