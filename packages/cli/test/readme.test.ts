import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Command } from 'commander';
import { createProgram } from '../src/program.js';

/** Every runnable command of the program, as `[path, command]` ("clients create"). */
function leaves(command: Command, prefix: string[] = []): [string, Command][] {
  const subs = command.commands.filter((c) => c.name() !== 'help');
  if (subs.length === 0) return [[prefix.join(' '), command]];
  return subs.flatMap((c) => leaves(c, [...prefix, c.name()]));
}

describe('packages/cli/README.md documents the program', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const program = createProgram({
    stdout: { write: () => true },
    stderr: { write: () => true },
    stdin: process.stdin,
    env: {},
    cwd: process.cwd(),
    fetch: globalThis.fetch,
    onSignal: () => () => {},
    exit: () => {},
    selfCommand: 'signet',
  });

  it('names every command and every one of its options', () => {
    assert.ok(leaves(program).length > 20);
    const missing: string[] = [];
    for (const [path, command] of leaves(program)) {
      if (!readme.includes(`signet ${path}`)) missing.push(`signet ${path}`);
      for (const option of command.options) {
        const flag = option.long ?? option.short ?? '';
        if (flag === '--help' || flag === '--version') continue;
        if (!readme.includes(flag)) missing.push(`signet ${path} ${flag}`);
      }
    }
    assert.deepEqual(missing, []);
  });
});
