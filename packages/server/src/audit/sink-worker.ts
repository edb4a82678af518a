/**
 * Worker thread that writes audit batches to SQLite on its own connection. better-sqlite3 is
 * synchronous: a commit's fsync on the main thread would stall every request for its duration,
 * so the group commit happens here and the event loop only posts a message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createStore } from '../store/index.js';
import type { AuditEvent } from '../store/types.js';

const port = parentPort;
if (port === null) throw new Error('sink-worker must run in a worker thread');
const store = await createStore((workerData as { url: string }).url);

port.on('message', (msg: { id: number; events?: AuditEvent[]; close?: boolean }) => {
  if (msg.close) {
    void store.close().then(() => port.postMessage({ id: msg.id, ok: true }));
    return;
  }
  store.appendAudit(msg.events ?? []).then(
    () => port.postMessage({ id: msg.id, ok: true }),
    (err: unknown) =>
      port.postMessage({
        id: msg.id,
        ok: false,
        code: (err as { code?: string }).code,
        message: (err as Error).message,
      }),
  );
});
port.postMessage({ id: 0, ok: true, ready: true });
