/**
 * Interleaved-rounds benchmark runner.
 *
 * The machines are shared and noisy, so contenders are never measured one after the other in
 * long blocks: every round gives each contender of a case one short time slice, in a rotating
 * order, and the reported figure is the median of the per-round rates. A burst of noise then
 * hits one slice of every contender instead of the whole measurement of one of them.
 */

/**
 * What a contender is, for the ratio columns: `primitive` is the base of "vs primitive", `peer`s
 * make "vs best peer"; a `reference` row is shown with its ratios but is the base of neither.
 */
export type ContenderKind = 'primitive' | 'signet' | 'peer' | 'reference';

/** One implementation measured in a case. `fn` does exactly one operation. */
export interface Contender {
  readonly name: string;
  readonly kind: ContenderKind;
  readonly fn: () => unknown;
  /** `fn` returns a promise that must be awaited before the next call. */
  readonly async?: boolean;
}

/** One row group of the result table: the same work done by several contenders. */
export interface BenchCase {
  readonly name: string;
  readonly contenders: readonly Contender[];
}

export interface RunOptions {
  /** Number of rounds; every contender gets one slice per round. */
  readonly rounds: number;
  /** Length of one slice in milliseconds. */
  readonly sliceMs: number;
  /** Untimed warm-up per contender before the first round, in milliseconds. */
  readonly warmupMs: number;
  /** `cpu` (default): ops per CPU-second of this process; `wall`: ops per wall-clock second. */
  readonly clock?: BenchClock;
  /** Progress sink (a line per finished case). */
  readonly log?: (line: string) => void;
}

/** Measured rates of one contender of one case. */
export interface ContenderResult {
  readonly name: string;
  readonly kind: ContenderKind;
  /** ops/s of every round, in round order (by the run's clock). */
  readonly samples: readonly number[];
  /** ops per wall-clock second of every round (for reference when the clock is `cpu`). */
  readonly wallSamples?: readonly number[];
  readonly median: number;
  /** vs the primitive, when the case has one: median of the per-round ratios ({@link pairedRatio}). */
  readonly vsPrimitive: number | undefined;
  /** vs the fastest peer by median (for a peer: the fastest other peer), paired by round. */
  readonly vsBestPeer: number | undefined;
}

export interface CaseResult {
  readonly name: string;
  readonly contenders: readonly ContenderResult[];
}

/** Reads rounds/slice from BENCH_ROUNDS / BENCH_SLICE_MS / BENCH_WARMUP_MS, with the given defaults. */
export function optionsFromEnv(defaults: RunOptions): RunOptions {
  const num = (name: string, fallback: number): number => {
    const raw = process.env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a positive number`);
    return value;
  };
  return {
    ...defaults,
    clock: process.env.BENCH_CLOCK === 'wall' ? 'wall' : (defaults.clock ?? 'cpu'),
    rounds: Math.round(num('BENCH_ROUNDS', defaults.rounds)),
    sliceMs: num('BENCH_SLICE_MS', defaults.sliceMs),
    warmupMs: num('BENCH_WARMUP_MS', defaults.warmupMs),
  };
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const now = (): number => performance.now();

/** How a slice is timed: CPU time of this process (default) or wall-clock time. */
export type BenchClock = 'cpu' | 'wall';

/** One slice: operations done, wall and CPU seconds spent. */
interface SliceResult {
  readonly ops: number;
  readonly wall: number;
  readonly cpu: number;
}

const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

// Calls fn in batches so the clocks are read rarely compared to the work measured; the batch
// grows until one batch takes about a twentieth of the slice.
function runSyncSlice(fn: () => unknown, sliceMs: number): SliceResult {
  let ops = 0;
  let batch = 1;
  const cpu0 = cpuSeconds();
  const start = now();
  let elapsed = 0;
  let sink: unknown;
  while (elapsed < sliceMs) {
    const t0 = now();
    for (let i = 0; i < batch; i++) sink = fn();
    const took = now() - t0;
    ops += batch;
    elapsed = now() - start;
    if (took < sliceMs / 20 && batch < 1 << 20) batch *= 2;
  }
  keep(sink);
  return { ops, wall: elapsed / 1000, cpu: cpuSeconds() - cpu0 };
}

async function runAsyncSlice(fn: () => unknown, sliceMs: number): Promise<SliceResult> {
  let ops = 0;
  const cpu0 = cpuSeconds();
  const start = now();
  let elapsed = 0;
  let sink: unknown;
  while (elapsed < sliceMs) {
    for (let i = 0; i < 16; i++) sink = await fn();
    ops += 16;
    elapsed = now() - start;
  }
  keep(sink);
  return { ops, wall: elapsed / 1000, cpu: cpuSeconds() - cpu0 };
}

let blackhole: unknown;
// Stores a result where the optimiser cannot prove it unused.
function keep(value: unknown): void {
  blackhole = value;
}
export function lastKept(): unknown {
  return blackhole;
}

async function slice(contender: Contender, ms: number): Promise<SliceResult> {
  return contender.async ? runAsyncSlice(contender.fn, ms) : runSyncSlice(contender.fn, ms);
}

// Ops per CPU-second is what one dedicated core would do: time the process spent descheduled
// by other load on a shared machine does not count against whoever happened to be running.
function rate(r: SliceResult, clock: BenchClock): number {
  const seconds = clock === 'cpu' ? Math.max(r.cpu, 1e-6) : r.wall;
  return r.ops / seconds;
}

interface RawResult {
  name: string;
  kind: ContenderKind;
  samples: number[];
  wallSamples: number[];
  median: number;
}

/**
 * Ratio of two contenders as the median of their per-round ratios. Both ran in the same round,
 * a few hundred milliseconds apart, so load that drifts over seconds hits both and cancels out:
 * on a shared machine this paired estimate is far steadier than a ratio of two medians.
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  if (n === 0) return Number.NaN;
  const perRound: number[] = [];
  for (let i = 0; i < n; i++) perRound.push(a[i]! / b[i]!);
  return median(perRound);
}

function ratios(results: RawResult[]): ContenderResult[] {
  const primitive = results.find((r) => r.kind === 'primitive');
  return results.map((r): ContenderResult => {
    const peers = results.filter((p) => p.kind === 'peer' && p !== r);
    // The fastest other peer by median; the ratio against it is paired by round.
    const bestPeer = peers.reduce<RawResult | undefined>(
      (b, p) => (b === undefined || p.median > b.median ? p : b),
      undefined,
    );
    return {
      ...r,
      vsPrimitive:
        primitive === undefined || primitive === r ? undefined : pairedRatio(r.samples, primitive.samples),
      vsBestPeer: bestPeer === undefined ? undefined : pairedRatio(r.samples, bestPeer.samples),
    };
  });
}

/**
 * Runs every case: a warm-up per contender, then `rounds` rounds in which each contender runs
 * for one slice, the starting contender rotating from round to round.
 *
 * @example
 * const results = await runCases([{ name: 'noop', contenders: [{ name: 'a', kind: 'peer', fn: () => 1 }] }],
 *   { rounds: 3, sliceMs: 50, warmupMs: 20 });
 */
export async function runCases(cases: readonly BenchCase[], options: RunOptions): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  for (const benchCase of cases) {
    const n = benchCase.contenders.length;
    for (const contender of benchCase.contenders) await slice(contender, options.warmupMs);
    const samples: number[][] = benchCase.contenders.map(() => []);
    const wallSamples: number[][] = benchCase.contenders.map(() => []);
    const clock = options.clock ?? 'cpu';
    for (let round = 0; round < options.rounds; round++) {
      for (let j = 0; j < n; j++) {
        // Rotate the start and reverse direction every other round: each contender runs early
        // and late, before and after each of the others.
        const step = round % 2 === 0 ? j : n - 1 - j;
        const index = (step + round) % n;
        const r = await slice(benchCase.contenders[index]!, options.sliceMs);
        samples[index]!.push(rate(r, clock));
        wallSamples[index]!.push(rate(r, 'wall'));
      }
    }
    const raw = benchCase.contenders.map(
      (c, i): RawResult => ({
        name: c.name,
        kind: c.kind,
        samples: samples[i]!,
        wallSamples: wallSamples[i]!,
        median: median(samples[i]!),
      }),
    );
    const result = { name: benchCase.name, contenders: ratios(raw) };
    out.push(result);
    options.log?.(`  ${benchCase.name}: ${raw.map((r) => `${r.name} ${Math.round(r.median)}`).join(', ')}`);
  }
  return out;
}
