/**
 * Access to the shared conformance data (`../shared/vectors/` beside the repository) and the
 * assertion every conformance test uses for a rejection.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JoseError } from '@signet/jose';

/** The repository root (this file is `packages/jose/test/conformance/vectors.ts`). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** `../shared/vectors` next to the repository clone. */
export const vectorsDir = resolve(repoRoot, '..', 'shared', 'vectors');

/** Reads and parses a JSON file under the vectors folder. */
export function readVector<T = unknown>(relativePath: string): T {
  return JSON.parse(readFileSync(resolve(vectorsDir, relativePath), 'utf8')) as T;
}

/** Wycheproof result of one case. */
export type WycheproofResult = 'valid' | 'invalid' | 'acceptable';

export interface WycheproofFile<G> {
  readonly algorithm?: string;
  readonly numberOfTests: number;
  readonly testGroups: readonly G[];
}

/**
 * Runs `fn`, which must throw a `JoseError` whose code starts with `ERR_`; any other exception
 * (a TypeError, an OpenSSL error leaking through) fails the test. Returns the code.
 */
export function rejectionCode(fn: () => unknown, context: string): string {
  try {
    fn();
  } catch (error) {
    assert.ok(
      error instanceof JoseError,
      `${context}: expected a JoseError, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
    assert.equal(typeof error.code, 'string', `${context}: code must be a string`);
    assert.match(error.code, /^ERR_/, `${context}: code must start with ERR_`);
    return error.code;
  }
  assert.fail(`${context}: expected a rejection, but it was accepted`);
}

/**
 * Like {@link rejectionCode} but does not fail on acceptance: `undefined` when `fn` returned.
 * A throw that is not a `JoseError` still fails the test.
 */
export function outcome<T>(
  fn: () => T,
  context: string,
): { ok: true; value: T } | { ok: false; code: string } {
  let value: T;
  try {
    value = fn();
  } catch (error) {
    assert.ok(
      error instanceof JoseError,
      `${context}: expected a JoseError, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
    assert.match(error.code, /^ERR_/, `${context}: code must start with ERR_`);
    return { ok: false, code: error.code };
  }
  return { ok: true, value };
}

/** Tally of one vector file, printed as a test diagnostic; collects failures instead of stopping. */
export class Tally {
  run = 0;
  passed = 0;
  readonly failures: string[] = [];

  /** Runs one case: counts it, and records (instead of throwing) an assertion failure. */
  check(context: string, fn: () => void): void {
    this.run++;
    try {
      fn();
      this.passed++;
    } catch (error) {
      this.failures.push(
        `${context}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      );
    }
  }
  /** Fails the test with every recorded failure listed. */
  assertAllPassed(file: string): void {
    assert.deepEqual(this.failures, [], `${file}: ${this.failures.length} of ${this.run} cases failed`);
  }
  get skippedCount(): number {
    return [...this.skipped.values()].reduce((a, b) => a + b, 0);
  }
  readonly skipped = new Map<string, number>();
  readonly reviewed = new Map<string, number>();
  readonly codes = new Map<string, number>();
  readonly notes = new Map<string, number>();

  skip(reason: string): void {
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1);
  }
  review(reason: string): void {
    this.reviewed.set(reason, (this.reviewed.get(reason) ?? 0) + 1);
  }
  /** Counts an observation that is neither a skip nor a reversal (e.g. how an `acceptable` case went). */
  note(label: string): void {
    this.notes.set(label, (this.notes.get(label) ?? 0) + 1);
  }
  code(code: string): void {
    this.codes.set(code, (this.codes.get(code) ?? 0) + 1);
  }
  summary(file: string): string {
    const skipped = [...this.skipped].map(([r, n]) => `${n} skipped (${r})`);
    const reviewed = [...this.reviewed].map(([r, n]) => `${n} reversed by review (${r})`);
    const notes = [...this.notes].map(([r, n]) => `${n} ${r}`);
    const codes = [...this.codes].map(([c, n]) => `${c}×${n}`).join(' ');
    return [
      `${file}: ${this.run} run, ${this.passed} passed`,
      ...skipped,
      ...reviewed,
      ...notes,
      codes && `rejections: ${codes}`,
    ]
      .filter(Boolean)
      .join('; ');
  }
}
