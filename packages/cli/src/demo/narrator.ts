import type { Sink } from '../lib/context.js';

/** What one step of the demo found. */
export interface StepResult {
  step: string;
  expected: string;
  observed: string;
  ok: boolean;
  ms: number;
  details?: Record<string, unknown>;
}

/** What a step returns: what happened, and whether that is what must happen. */
export interface Outcome {
  observed: string;
  ok: boolean;
  details?: Record<string, unknown>;
  /** Lines shown under the step in human output. */
  lines?: string[];
}

/**
 * Runs the demo's steps one after the other, timing each, and narrates them on a terminal
 * (or collects them for `--format json`). A step that throws counts as failed.
 */
export class Narrator {
  readonly results: StepResult[] = [];
  readonly #out: Sink;
  readonly #json: boolean;

  constructor(out: Sink, json: boolean) {
    this.#out = out;
    this.#json = json;
  }

  /** Prints a section title (human output only). */
  section(title: string): void {
    if (!this.#json) this.#out.write(`\n── ${title}\n`);
  }

  /** Prints a line of narration (human output only). */
  say(line: string): void {
    if (!this.#json) this.#out.write(`   ${line}\n`);
  }

  async step(step: string, expected: string, run: () => Promise<Outcome>): Promise<StepResult> {
    const start = performance.now();
    let outcome: Outcome;
    try {
      outcome = await run();
    } catch (err) {
      outcome = { observed: `error: ${(err as Error).message}`, ok: false };
    }
    const ms = Math.round((performance.now() - start) * 10) / 10;
    const result: StepResult = { step, expected, observed: outcome.observed, ok: outcome.ok, ms };
    if (outcome.details) result.details = outcome.details;
    this.results.push(result);
    if (!this.#json) {
      this.#out.write(`${outcome.ok ? ' ✔' : ' ✘'} ${step} — ${outcome.observed} (${ms} ms)\n`);
      if (!outcome.ok) this.#out.write(`   expected: ${expected}\n`);
      for (const line of outcome.lines ?? []) this.#out.write(`   ${line}\n`);
    }
    return result;
  }

  get failed(): StepResult[] {
    return this.results.filter((r) => !r.ok);
  }
}
