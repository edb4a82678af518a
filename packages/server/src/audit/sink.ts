import { Worker } from 'node:worker_threads';
import type { AuditEvent, Store } from '../store/types.js';

/** Where the audit queue writes a batch (one transaction). */
export interface AuditSink {
  append(events: AuditEvent[]): Promise<void>;
  close(): Promise<void>;
}

/** Error from the worker, keeping the store's `code` (e.g. `ERR_STORE_UNAVAILABLE`). */
class SinkError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/**
 * An {@link AuditSink} on a worker thread with its own SQLite connection (see `sink-worker.ts`).
 * Resolves once the worker is ready; rejects if it cannot start (the caller falls back).
 */
export async function startWorkerSink(url: string): Promise<AuditSink> {
  // Built, the worker is `sink-worker.js`. From source (tests run TypeScript through tsx), the
  // worker thread registers tsx itself before importing `sink-worker.ts`.
  const worker = import.meta.url.endsWith('.ts')
    ? new Worker(
        `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(
          new URL('./sink-worker.ts', import.meta.url).href,
        )}); });`,
        { eval: true, workerData: { url } },
      )
    : new Worker(new URL('./sink-worker.js', import.meta.url), { workerData: { url } });
  worker.unref();
  const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let next = 1;
  let failed: Error | undefined;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    worker.once('error', onError);
    worker.once('message', () => {
      worker.off('error', onError);
      resolve();
    });
  });
  worker.on('message', (msg: { id: number; ok: boolean; code?: string; message?: string }) => {
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.ok) p.resolve();
    else p.reject(new SinkError(msg.message ?? 'audit write failed', msg.code));
  });
  worker.on('error', (err) => {
    failed = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  });
  const send = (msg: { events?: AuditEvent[]; close?: boolean }) =>
    new Promise<void>((resolve, reject) => {
      if (failed) return reject(failed);
      const id = next++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...msg });
    });
  return {
    append: (events) => send({ events }),
    async close() {
      try {
        await send({ close: true });
      } finally {
        await worker.terminate();
      }
    },
  };
}

/** An {@link AuditSink} writing through the main store (PostgreSQL: the driver is asynchronous). */
export function storeSink(store: Store): AuditSink {
  return { append: (events) => store.appendAudit(events), close: async () => {} };
}
