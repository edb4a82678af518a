import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/livez` (the process answers) and `/readyz` (`{ status, checks: { database, signingKey,
 * migrations, shutdown } }`, 200 or 503). Neither is logged.
 *
 * @example
 * registerHealthRoutes(app, ctx);
 */
export function registerHealthRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/livez', { logLevel: 'silent' }, async (_req, reply) =>
    reply.header('cache-control', 'no-store').send({ status: 'ok' }),
  );
  app.get('/readyz', { logLevel: 'silent' }, async (_req, reply) => {
    let database = 'ok';
    try {
      await withTimeout(ctx.store.ping(), 1000);
    } catch {
      database = 'unavailable';
    }
    const checks = {
      database,
      signingKey: ctx.keys.ready() ? 'ok' : 'missing',
      migrations: ctx.state.migrationsAtHead ? 'ok' : 'pending',
      shutdown: ctx.state.shuttingDown ? 'shutting_down' : 'ok',
    };
    const ok = Object.values(checks).every((v) => v === 'ok');
    return reply
      .code(ok ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ status: ok ? 'ok' : 'unavailable', checks });
  });
}
