/**
 * Load-test harness shared by `bench/server.ts` and `bench/guard.ts`: spawns each server under test
 * as its own process (pinned to one core with `taskset` where it works), drives it with autocannon
 * from the bench process (pinned to the other core), and alternates the targets in rounds the way
 * `bench/lib/runner.ts` alternates in-process contenders.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, setPriority } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { CaseResult, ContenderKind, RunOptions } from '../lib/runner.js';
import { median } from '../lib/runner.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Repository root (servers run from there so `@signet/*` and the dev-dependencies resolve). */
export const repoRoot = resolve(here, '..', '..');

/** Where processes run: the core for servers and the core for the load generator. */
export interface Placement {
  /** `taskset` works and there are at least two cores. */
  readonly pinned: boolean;
  /** CPU list for a server process (`0`), or undefined when not pinned. */
  readonly serverCpus: string | undefined;
  /** CPU list of the load generator (`1`). */
  readonly loadCpus: string | undefined;
  /** Human description for the report. */
  readonly describe: string;
}

/**
 * `BENCH_NICE` (e.g. `-10`): the niceness of the bench and of every server it spawns. On a machine shared
 * with other work this keeps the measured processes from being descheduled; it is recorded in the report.
 */
export function niceness(): number {
  const raw = process.env.BENCH_NICE;
  if (raw === undefined || raw === '') return 0;
  const v = Number.parseInt(raw, 10);
  if (!Number.isInteger(v) || v < -20 || v > 19)
    throw new TypeError('BENCH_NICE must be an integer in -20..19');
  return v;
}

// Linux niceness is per thread: apply it to every thread of this process.
function niceSelf(n: number): boolean {
  if (n === 0) return true;
  try {
    for (const tid of readdirSync('/proc/self/task')) setPriority(Number(tid), n);
    return true;
  } catch {
    return false;
  }
}

function tasksetPath(): string | undefined {
  for (const p of ['/usr/bin/taskset', '/bin/taskset', '/usr/local/bin/taskset']) if (existsSync(p)) return p;
  return undefined;
}

/**
 * Pins this process (every thread: `-a`) to the last core and returns where servers go. Falls back to no
 * pinning when `taskset` is missing, refuses, or there is a single core.
 *
 * @example
 * const placement = pinLoadGenerator();
 */
export function pinLoadGenerator(): Placement {
  const nice = niceness();
  const niceNote = nice === 0 ? '' : niceSelf(nice) ? `, nice ${nice}` : ', BENCH_NICE refused';
  const placement = pin();
  return { ...placement, describe: placement.describe + niceNote };
}

function pin(): Placement {
  const n = cpus().length;
  const taskset = tasksetPath();
  if (process.env.BENCH_NO_PIN === '1' || taskset === undefined || n < 2) {
    const why = taskset === undefined ? 'taskset not found' : n < 2 ? 'one core' : 'BENCH_NO_PIN=1';
    return { pinned: false, serverCpus: undefined, loadCpus: undefined, describe: `not pinned (${why})` };
  }
  const loadCpu = String(n - 1);
  try {
    execFileSync(taskset, ['-a', '-p', '-c', loadCpu, String(process.pid)], { stdio: 'ignore' });
  } catch {
    return {
      pinned: false,
      serverCpus: undefined,
      loadCpus: undefined,
      describe: 'not pinned (taskset refused)',
    };
  }
  return {
    pinned: true,
    serverCpus: '0',
    loadCpus: loadCpu,
    describe: `server process on core 0, load generator (autocannon) on core ${loadCpu} (taskset)`,
  };
}

/** A server process under test. */
export interface ServerProcess {
  /** What the process printed on its ready line (`url` at least). */
  readonly info: Record<string, unknown> & { url: string };
  readonly pid: number;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** Environment added to the bench's own. */
  env?: Record<string, string>;
  /** CPU list for taskset; undefined = not pinned. */
  cpus?: string | undefined;
  /** Extra node flags (e.g. `--cpu-prof`). */
  nodeFlags?: string[];
  /** Start timeout in ms (default 60 s). */
  timeoutMs?: number;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Spawns `bench/servers/<script>.ts` and waits for its ready line: one JSON object on stdout with a
 * `url`. Its stderr is kept (last 4 KiB) for the error message when it dies early.
 *
 * @example
 * const minimal = await spawnServer('minimal', { cpus: '0', env: { PORT: '0' } });
 */
export async function spawnServer(script: string, options: SpawnOptions = {}): Promise<ServerProcess> {
  const file = join(here, `${script}.ts`);
  const nodeArgs = [...(options.nodeFlags ?? []), '--conditions=signet-source', '--import', 'tsx', file];
  const taskset = tasksetPath();
  let [cmd, args]: [string, string[]] =
    options.cpus !== undefined && taskset !== undefined
      ? [taskset, ['-c', options.cpus, process.execPath, ...nodeArgs]]
      : [process.execPath, nodeArgs];
  const nice = niceness();
  if (nice !== 0 && existsSync('/usr/bin/nice'))
    [cmd, args] = ['/usr/bin/nice', ['-n', String(nice), cmd, ...args]];
  const child = spawn(cmd, args, {
    cwd: repoRoot,
    env: { ...process.env, NODE_ENV: 'production', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4096);
  });
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const info = await new Promise<ServerProcess['info']>((res, rej) => {
    let out = '';
    const timer = setTimeout(
      () => rej(new Error(`${script}: no ready line after ${options.timeoutMs ?? 60_000} ms\n${stderr}`)),
      options.timeoutMs ?? 60_000,
    );
    // Servers may log JSON lines of their own first: the ready line is the one starting with `{"ready":`.
    const onData = (d: Buffer) => {
      out += d.toString();
      for (let nl = out.indexOf('\n'); nl !== -1; nl = out.indexOf('\n')) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        if (!line.startsWith('{"ready":')) continue;
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        try {
          res(JSON.parse(line) as ServerProcess['info']);
        } catch {
          rej(new Error(`${script}: bad ready line: ${line.slice(0, 200)}\n${stderr}`));
        }
        return;
      }
      if (out.length > 65536) out = out.slice(-4096);
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`${script} exited (${code}) before ready\n${stderr}`));
    });
  });
  return {
    info,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const hard = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(hard);
      live.delete(child);
    },
  };
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function readTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces): utime and stime are the 12th and 13th.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text !== '') out.push(...text.split(' ').map(Number));
    }
  } catch {
    // The process is gone or /proc has no children files: count what we have.
  }
  return out;
}

/**
 * CPU seconds (user + system) used so far by the process trees rooted at `pids` (a cluster primary and its
 * workers; the PostgreSQL postmaster and its backends). Linux `/proc` only; 0 elsewhere.
 */
export function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  const seen = new Set<number>();
  const stack = [...pids];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    ticks += readTicks(pid);
    stack.push(...childrenOf(pid));
  }
  return ticks / CLK_TCK;
}

/** One HTTP request shape, repeated by every connection. */
export interface RequestShape {
  method?: 'GET' | 'POST';
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** What one load slice measured. */
export interface LoadSample {
  /** Successful (2xx) responses per second. */
  rps: number;
  /** Latency percentiles in milliseconds (autocannon's histogram: 1 ms resolution). */
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** CPU seconds the server side (the target's process trees) used during the slice. */
  cpu: number;
  /** Successful responses per CPU second of the server side: steady on a machine shared with other work. */
  perCpuSecond: number;
}

export interface LoadOptions {
  seconds: number;
  connections: number;
  /** Fixed total request rate (req/s) instead of as fast as possible. */
  overallRate?: number;
  /** Process trees whose CPU time is the server side's cost. */
  pids?: readonly number[];
}

function fire(url: string, shape: RequestShape, o: LoadOptions): Promise<autocannon.Result> {
  return new Promise((res, rej) => {
    autocannon(
      {
        url: new URL(shape.path ?? '/', url).href,
        method: shape.method ?? 'GET',
        ...(shape.headers ? { headers: shape.headers } : {}),
        ...(shape.body !== undefined ? { body: shape.body } : {}),
        connections: o.connections,
        pipelining: 1,
        duration: o.seconds,
        ...(o.overallRate !== undefined ? { overallRate: Math.max(1, Math.round(o.overallRate)) } : {}),
      },
      (err, result) => (err ? rej(err) : res(result)),
    );
  });
}

/**
 * Runs autocannon (keep-alive) against one or several base URLs at once, the connections and any fixed
 * rate split evenly between them. With several URLs, `rps` is the sum and the percentiles the worst.
 *
 * @example
 * const sample = await load(['http://127.0.0.1:8080'], { method: 'GET' }, { seconds: 5, connections: 10 });
 */
export async function load(
  urls: readonly string[],
  shape: RequestShape,
  o: LoadOptions,
): Promise<LoadSample> {
  const n = urls.length;
  const cpu0 = cpuSeconds(o.pids ?? []);
  const results = await Promise.all(
    urls.map((u) =>
      fire(u, shape, {
        seconds: o.seconds,
        connections: Math.max(1, Math.round(o.connections / n)),
        ...(o.overallRate !== undefined ? { overallRate: o.overallRate / n } : {}),
      }),
    ),
  );
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  for (const r of results) {
    ok += r['2xx'];
    non2xx += r.non2xx;
    errors += r.errors + r.timeouts;
  }
  const duration = Math.max(...results.map((r) => r.duration));
  const cpu = cpuSeconds(o.pids ?? []) - cpu0;
  return {
    cpu,
    perCpuSecond: cpu > 0 ? ok / cpu : 0,
    rps: ok / duration,
    p50: Math.max(...results.map((r) => r.latency.p50)),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    non2xx,
    errors,
  };
}

/** A target of an interleaved load case. */
export interface LoadTarget {
  readonly name: string;
  /** `primitive` is the practical limit, `peer` a competitor, `signet` ours. */
  readonly kind: ContenderKind;
  readonly urls: readonly string[];
  readonly shape: RequestShape;
  /** Process trees of the server side (for {@link LoadSample.perCpuSecond}). */
  readonly pids: readonly number[];
}

/** Per-target medians of the rounds, and the raw samples. */
export interface LoadTargetResult {
  readonly name: string;
  readonly kind: ContenderKind;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  /** Median successful responses per server CPU second. */
  readonly perCpuSecond: number;
  readonly samples: readonly LoadSample[];
}

/**
 * Interleaved rounds: a warm-up slice per target, then `rounds` rounds in which each target gets one slice,
 * the starting target rotating and the direction alternating (as `runCases` does). Medians per target.
 *
 * @example
 * const results = await runLoadRounds(targets, { rounds: 3, seconds: 6, warmupSeconds: 2, connections: 10 });
 */
export async function runLoadRounds(
  targets: readonly LoadTarget[],
  o: {
    rounds: number;
    seconds: number;
    warmupSeconds: number;
    connections: number;
    log?: (s: string) => void;
  },
): Promise<LoadTargetResult[]> {
  const samples: LoadSample[][] = targets.map(() => []);
  for (const t of targets) {
    const w = await load(t.urls, t.shape, {
      seconds: o.warmupSeconds,
      connections: o.connections,
      pids: t.pids,
    });
    if (w.rps === 0)
      throw new Error(`${t.name}: no successful response during warm-up (non-2xx ${w.non2xx})`);
  }
  const n = targets.length;
  for (let round = 0; round < o.rounds; round++) {
    for (let j = 0; j < n; j++) {
      const step = round % 2 === 0 ? j : n - 1 - j;
      const index = (step + round) % n;
      const t = targets[index]!;
      const s = await load(t.urls, t.shape, { seconds: o.seconds, connections: o.connections, pids: t.pids });
      samples[index]!.push(s);
      o.log?.(
        `  round ${round + 1}/${o.rounds} ${t.name}: ${Math.round(s.rps)} req/s, ${Math.round(s.perCpuSecond)} per CPU-s, ` +
          `p50 ${s.p50} ms, p99 ${s.p99} ms` +
          (s.non2xx + s.errors > 0 ? `, non-2xx ${s.non2xx}, errors ${s.errors}` : ''),
      );
    }
  }
  return targets.map((t, i) => ({
    name: t.name,
    kind: t.kind,
    rps: median(samples[i]!.map((s) => s.rps)),
    p50: median(samples[i]!.map((s) => s.p50)),
    p99: median(samples[i]!.map((s) => s.p99)),
    perCpuSecond: median(samples[i]!.map((s) => s.perCpuSecond)),
    samples: samples[i]!,
  }));
}

/**
 * The median over rounds of `a`'s rate divided by `b`'s rate in the same round: the slices of one round
 * are adjacent in time, so a slow period of the machine divides out.
 *
 * @example
 * pairedRatio(signet, oidc, 'perCpuSecond'); // 2.7
 */
export function pairedRatio(
  a: LoadTargetResult,
  b: LoadTargetResult,
  metric: 'rps' | 'perCpuSecond',
): number {
  const n = Math.min(a.samples.length, b.samples.length);
  const ratios: number[] = [];
  for (let i = 0; i < n; i++) {
    const d = b.samples[i]![metric];
    if (d > 0) ratios.push(a.samples[i]![metric] / d);
  }
  return median(ratios);
}

/** Converts load results into the `CaseResult` of `bench/lib` (ops/s = successful req/s). */
export function toCaseResult(name: string, results: readonly LoadTargetResult[]): CaseResult {
  const primitive = results.find((r) => r.kind === 'primitive');
  return {
    name,
    contenders: results.map((r) => {
      const peers = results.filter((p) => p.kind === 'peer' && p !== r);
      const best = peers.length === 0 ? undefined : Math.max(...peers.map((p) => p.rps));
      return {
        name: r.name,
        kind: r.kind,
        samples: r.samples.map((s) => s.rps),
        median: r.rps,
        vsPrimitive: primitive === undefined || primitive === r ? undefined : r.rps / primitive.rps,
        vsBestPeer: best === undefined ? undefined : r.rps / best,
      };
    }),
  };
}

/** A Markdown table of throughput and latency medians, with ratios against named baselines. */
export function latencyTable(
  results: readonly LoadTargetResult[],
  baselines: readonly { label: string; name: string }[],
): string[] {
  const head = [
    'target',
    'req/s',
    'p50 ms',
    'p99 ms',
    ...baselines.map((b) => `vs ${b.label}`),
    'req per server CPU-s',
    ...baselines.map((b) => `CPU-s ratio vs ${b.label}`),
  ];
  const ratio = (a: number, b: number | undefined) =>
    b === undefined || b === 0 ? '' : `${(a / b).toFixed(2)}×`;
  const rows = results.map((r) => [
    r.name,
    r.rps.toFixed(0),
    String(r.p50),
    String(r.p99),
    ...baselines.map((b) => ratio(r.rps, results.find((x) => x.name === b.name)?.rps)),
    r.perCpuSecond.toFixed(0),
    ...baselines.map((b) => ratio(r.perCpuSecond, results.find((x) => x.name === b.name)?.perCpuSecond)),
  ]);
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

/** Reads a positive number from the environment, with a default. */
export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw new TypeError(`${name} must be a positive number`);
  return v;
}

/** The load settings of a run: BENCH_LOAD_ROUNDS, BENCH_LOAD_SECONDS, BENCH_LOAD_WARMUP, BENCH_LOAD_CONNECTIONS. */
export function loadSettings(defaults: {
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
}) {
  return {
    rounds: Math.round(envNumber('BENCH_LOAD_ROUNDS', defaults.rounds)),
    seconds: envNumber('BENCH_LOAD_SECONDS', defaults.seconds),
    warmupSeconds: envNumber('BENCH_LOAD_WARMUP', defaults.warmupSeconds),
    connections: Math.round(envNumber('BENCH_LOAD_CONNECTIONS', defaults.connections)),
  };
}

/** `RunOptions` for `writeReport` from the load settings. */
export function runOptions(s: { rounds: number; seconds: number; warmupSeconds: number }): RunOptions {
  return { rounds: s.rounds, sliceMs: s.seconds * 1000, warmupMs: s.warmupSeconds * 1000, clock: 'wall' };
}

/** The commit the measured code comes from, and whether package sources had uncommitted changes. */
export function sourceVersion(): { commit: string; dirtyPackages: boolean } {
  // snapshot.sh runs outside the repository and says which commit it extracted.
  const given = process.env.BENCH_SOURCE;
  if (given !== undefined && given !== '') return { commit: given, dirtyPackages: false };
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'packages/*/src'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).trim();
    return { commit, dirtyPackages: dirty !== '' };
  } catch {
    return { commit: 'unknown', dirtyPackages: false };
  }
}
