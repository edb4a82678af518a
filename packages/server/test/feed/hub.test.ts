import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { FeedHub } from '../../src/feed/hub.js';
import { FeedStream } from '../../src/feed/stream.js';
import { createStore } from '../../src/store/index.js';
import type { NewRevocation, Store } from '../../src/store/types.js';

const NOW = 2_000_000_000;

function entry(value: string, expiresAt = NOW + 3600): NewRevocation {
  return { kind: 'jti', value, notBefore: null, expiresAt, reason: null, createdAt: NOW };
}

/** A socket stand-in that records what is written; `stuck` makes writes report a full buffer. */
class Sink extends Writable {
  text = '';
  stuck = false;
  #held: (() => void) | undefined;
  constructor() {
    super({ highWaterMark: 64 });
  }
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    if (this.stuck) this.#held = done;
    else done();
  }
  /** Unblocks: the held write completes, the buffered ones follow, then 'drain'. */
  release(): void {
    this.stuck = false;
    const held = this.#held;
    this.#held = undefined;
    held?.();
  }
  ids(): number[] {
    return [...this.text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
  }
}

async function until(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('FeedHub and FeedStream', () => {
  let dir: string;
  let store: Store;
  let hub: FeedHub;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'signet-feed-hub-'));
    store = await createStore(`sqlite:${join(dir, 'db')}`);
    await store.migrate();
    hub = new FeedHub({
      store,
      logger: pino({ level: 'silent' }),
      now: () => NOW * 1000,
      keepAliveMs: 60_000,
      pollIntervalMs: 60_000,
      maxLag: 20,
      batchSize: 4,
      recentMax: 3,
    });
    await hub.start();
  });
  after(async () => {
    await hub.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a stream behind what the hub keeps in memory catches up from the store, skipping expired entries', async () => {
    const seqs: number[] = [];
    for (let i = 0; i < 12; i++) {
      const expired = i === 5;
      seqs.push((await store.addRevocation(entry(`c${i}`, expired ? NOW - 1 : NOW + 3600))).seq);
    }
    await until(() => hub.head === seqs[11]);
    assert.ok(hub.floor > seqs[0]!, 'the hub keeps only the last few frames');
    const sink = new Sink();
    const stream = new FeedStream(hub, sink as unknown as ServerResponse, seqs[0]! - 1);
    hub.add(stream);
    stream.pump();
    const expected = seqs.filter((_, i) => i !== 5);
    await until(() => sink.ids().length === expected.length);
    assert.deepEqual(sink.ids(), expected);
    // Live entries after the catch-up come from memory, still exactly once.
    const next = (await store.addRevocation(entry('c12'))).seq;
    await until(() => sink.ids().includes(next));
    assert.deepEqual(sink.ids(), [...expected, next]);
    stream.end();
    assert.equal(hub.streams.has(stream), false);
  });

  test('a backpressured stream that lags more than maxLag gets reset and is dropped', async () => {
    const sink = new Sink();
    const stream = new FeedStream(hub, sink as unknown as ServerResponse, await store.lastRevocationSeq());
    hub.add(stream);
    sink.stuck = true;
    for (let i = 0; i < 3; i++) await store.addRevocation(entry(`bp${i}`));
    await until(() => stream.paused);
    for (let i = 0; i < 30; i++) await store.addRevocation(entry(`bp-more${i}`));
    await until(() => stream.closed);
    assert.equal(hub.streams.has(stream), false);
    sink.release();
    await until(() => sink.text.includes('event: reset'));
    assert.match(sink.text, /event: reset\ndata: \{"reason":"behind"\}\n\n$/);
  });

  test('a paused stream resumes on drain without losing or repeating entries', async () => {
    const from = await store.lastRevocationSeq();
    const sink = new Sink();
    const stream = new FeedStream(hub, sink as unknown as ServerResponse, from);
    hub.add(stream);
    sink.stuck = true;
    const seqs: number[] = [];
    for (let i = 0; i < 3; i++) seqs.push((await store.addRevocation(entry(`dr${i}`))).seq);
    await until(() => stream.paused);
    for (let i = 3; i < 8; i++) seqs.push((await store.addRevocation(entry(`dr${i}`))).seq);
    sink.release();
    await until(() => sink.ids().length === seqs.length);
    assert.deepEqual(sink.ids(), seqs);
    stream.end();
  });
});
