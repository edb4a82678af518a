import type { Command } from 'commander';
import type { CliContext } from '../lib/context.js';
import { CliError } from '../lib/errors.js';
import { printJson, withFormat } from '../lib/output.js';
import { Narrator } from './narrator.js';
import { gateway, revocation, rotation, tokensAndAttacks } from './scenario.js';
import { startLandscape } from './setup.js';

/**
 * Registers `signet demo`: the reference architecture, run for real on loopback and narrated —
 * Auth, S2 (an orders API behind @signet/guard) and S1 (a client service) as processes, the attacks
 * that must fail, a revocation, a key rotation under traffic, and the gateway. Exit 0 only when every
 * step behaved as it must.
 *
 * @example
 * registerDemo(program, ctx); // signet demo [--format json]
 */
export function registerDemo(program: Command, ctx: CliContext): void {
  withFormat(
    program.command('demo').description('run Auth, S1 and S2 on loopback and show every check working'),
  ).action(async (opts: { format: string }) => {
    const json = opts.format === 'json';
    const n = new Narrator(ctx.stdout, json);
    const started = performance.now();
    n.section('Starting Auth (embedded SQLite), S2 (orders API + guard) and S1 (client service)');
    const landscape = await startLandscape();
    try {
      n.say(`Auth ${landscape.auth.url} · S2 ${landscape.s2.url} · S1 ${landscape.s1.url}`);
      await tokensAndAttacks(n, landscape);
      await revocation(n, landscape);
      await rotation(n, landscape);
      await gateway(n, landscape);
    } finally {
      await landscape.stop();
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (json) printJson(ctx, { ok: n.failed.length === 0, seconds: Number(seconds), steps: n.results });
    else
      n.say(`\n${n.results.length - n.failed.length}/${n.results.length} steps as expected in ${seconds} s`);
    if (n.failed.length > 0) {
      throw new CliError('ERR_DEMO_FAILED', `demo failed: ${n.failed.map((r) => r.step).join('; ')}`);
    }
  });
}
