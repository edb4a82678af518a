/**
 * Benchmark entry point: `node --conditions=signet-source --import tsx bench/run.ts [name…]`.
 *
 * Each sub-benchmark is a file `bench/<name>.ts` exporting `run(args: string[]): Promise<void>`.
 * With no name, every known sub-benchmark whose file exists runs, one after the other.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Known sub-benchmarks, in the order a full run executes them. */
const KNOWN = ['jose', 'guard', 'server', 'revocation'] as const;

interface BenchModule {
  run(args: string[]): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));

async function main(argv: string[]): Promise<number> {
  const names = argv.filter((a) => !a.startsWith('-'));
  const flags = argv.filter((a) => a.startsWith('-'));
  const selected = names.length > 0 ? names : KNOWN.filter((n) => existsSync(join(here, `${n}.ts`)));
  for (const name of selected) {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) {
      console.error(`invalid benchmark name: ${name}`);
      return 2;
    }
    const file = join(here, `${name}.ts`);
    if (!existsSync(file)) {
      console.error(`unknown benchmark "${name}" (known: ${KNOWN.join(', ')})`);
      return 2;
    }
    console.log(`\n== bench ${name} ==`);
    const mod = (await import(pathToFileURL(file).href)) as BenchModule;
    if (typeof mod.run !== 'function') {
      console.error(`bench/${name}.ts does not export run(args)`);
      return 2;
    }
    await mod.run(flags);
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
