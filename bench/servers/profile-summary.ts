/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time by function and by package/file, so a
 * profile of a server under load can be read in the terminal.
 * Usage: `node --import tsx bench/servers/profile-summary.ts <file.cpuprofile> [top] [last-seconds]`.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Where a frame lives: a package name, a repo path, or a V8/Node category. */
function area(url: string, fn: string): string {
  if (url === '') return fn.startsWith('(') ? fn : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm !== -1) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const pk = url.indexOf('/packages/');
  if (pk !== -1) return url.slice(pk + 10).replace(/^file:\/\//, '');
  if (url.startsWith('node:')) return url;
  return url.replace(/^file:\/\//, '');
}

/**
 * Self time per function and per area, in percent of the samples of the last `windowSeconds` (all when
 * undefined): the load window, without start-up.
 *
 * @example
 * summarize(JSON.parse(readFileSync(file, 'utf8')), 30, 8);
 */
export function summarize(p: Profile, top = 30, windowSeconds?: number): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let total = 0;
  const from = windowSeconds === undefined ? Number.NEGATIVE_INFINITY : p.endTime - windowSeconds * 1e6;
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    t += dt;
    if (t < from) continue;
    self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + dt);
    total += dt;
  }
  const fns = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const [id, dt] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    const a = area(url, functionName || '(anonymous)');
    const key = `${functionName || '(anonymous)'}  ${a}:${lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + dt);
    areas.set(a, (areas.get(a) ?? 0) + dt);
  }
  // Percentages are of the busy time (everything but "(idle)"): where the CPU went, whatever the load.
  const busy = total - (areas.get('(idle)') ?? 0);
  const fmt = (m: Map<string, number>) =>
    [...m.entries()]
      .filter(([k]) => !k.startsWith('(idle)'))
      .sort((x, y) => y[1] - x[1])
      .slice(0, top)
      .map(([k, t]) => `${((t / busy) * 100).toFixed(1).padStart(5)} %  ${k}`)
      .join('\n');
  return (
    `${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy (percentages are of busy time)\n\n` +
    `by area:\n${fmt(areas)}\n\nby function:\n${fmt(fns)}`
  );
}

if (process.argv[1]?.endsWith('profile-summary.ts')) {
  const file = process.argv[2];
  if (file === undefined) {
    console.error('usage: profile-summary.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  const window = process.argv[4] === undefined ? undefined : Number(process.argv[4]);
  console.log(
    summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(process.argv[3] ?? 30), window),
  );
}
