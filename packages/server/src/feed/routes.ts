import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Gauge } from 'prom-client';
import type { ServerContext } from '../context.js';
import { invalidRequest, OAuthError } from '../errors.js';
import { authenticateFeedClient, feedClientAllowed } from './auth.js';
import { FeedHub } from './hub.js';
import { FeedStream } from './stream.js';
import { resetFrame, toWire, type WireRevocation } from './wire.js';

/** Paths of the feed (docs/revocation-feed.md). */
export const FEED_PATHS = { snapshot: '/revocations', stream: '/revocations/stream' } as const;

const SNAPSHOT_PAGE = 5000;
const SEQ = /^(0|[1-9]\d{0,14})$/;

/** 503 for a stream asked of a replica that is shutting down. */
function shuttingDown(): OAuthError {
  return new OAuthError(503, 'temporarily_unavailable', 'this replica is shutting down', {
    headers: { 'retry-after': '1', connection: 'close' },
  });
}

/** The resume point: `Last-Event-ID` wins over `?after=`; `undefined` = from now on. */
function resumePoint(request: FastifyRequest): number | undefined {
  const header = request.headers['last-event-id'];
  const query = (request.query as Record<string, unknown> | undefined)?.['after'];
  const raw = typeof header === 'string' && header !== '' ? header : query;
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !SEQ.test(raw)) {
    throw invalidRequest('the resume point (Last-Event-ID or after) must be a sequence number');
  }
  return Number(raw);
}

/**
 * `GET /revocations` (every entry still relevant, and the sequence number it is complete up to) and
 * `GET /revocations/stream` (Server-Sent Events from a resume point), for clients with the
 * `revocations` capability. Streams are ended before the listener closes (`preClose`), so a
 * shutdown never waits on them.
 *
 * @example
 * registerFeedRoutes(app, ctx);
 */
export function registerFeedRoutes(app: FastifyInstance, ctx: ServerContext): FeedHub {
  const hub = new FeedHub({
    store: ctx.store,
    logger: ctx.logger,
    now: ctx.now,
    keepAliveMs: ctx.config.feed.keepAliveMs,
    pollIntervalMs: ctx.config.feed.pollIntervalMs,
    maxLag: ctx.config.feed.maxLag,
  });
  app.addHook('preClose', async () => hub.close());
  new Gauge({
    name: 'signet_feed_streams',
    help: 'Open revocation feed streams (Server-Sent Events) on this replica',
    registers: [ctx.metrics.registry],
    collect() {
      this.set(hub.streams.size);
    },
  });
  new Gauge({
    name: 'signet_feed_head_seq',
    help: 'Highest revocation sequence number this replica has read for its streams',
    registers: [ctx.metrics.registry],
    collect() {
      this.set(hub.head);
    },
  });

  app.get(FEED_PATHS.snapshot, async (request, reply) => {
    await authenticateFeedClient(ctx, request);
    // The head first, then the rows up to it: a row committed in between is left to the stream,
    // which starts after `seq`. Reading rows first could miss one that commits below the head.
    const seq = await ctx.store.lastRevocationSeq();
    const now = ctx.nowSec();
    const entries: WireRevocation[] = [];
    let cursor = 0;
    for (;;) {
      const page = await ctx.store.readRevocations(cursor, now, SNAPSHOT_PAGE);
      for (const r of page) if (r.seq <= seq) entries.push(toWire(r));
      const last = page[page.length - 1];
      if (last === undefined || page.length < SNAPSHOT_PAGE || last.seq >= seq) break;
      cursor = last.seq;
    }
    reply.header('cache-control', 'no-store');
    return { seq, entries };
  });

  app.get(FEED_PATHS.stream, async (request, reply) => {
    const client = await authenticateFeedClient(ctx, request);
    const asked = resumePoint(request);
    // Shutting down (checked again after each wait): the subscriber retries, through the balancer,
    // on another replica. A stream opened now would never be ended and would hold the shutdown.
    if (hub.closed) throw shuttingDown();
    await hub.start();
    const last = await ctx.store.lastRevocationSeq();
    if (hub.closed) throw shuttingDown();
    // HEAD (Fastify answers it with this handler): the headers only, never a stream held open.
    if (request.method === 'HEAD') {
      return reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-store')
        .send();
    }
    reply.hijack();
    const res = reply.raw;
    // No compression, no proxy buffering (nginx honours X-Accel-Buffering), no caching.
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store, no-transform',
      'x-accel-buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    res.socket?.setKeepAlive(true, 30_000);
    if (asked !== undefined && asked > last) {
      // A position this database never handed out (restored from an older backup, another deployment).
      res.end(resetFrame('unknown_position'));
      return;
    }
    if (res.destroyed) return;
    res.write(': ok\n\n');
    const clientId = client.record.id;
    const stream = new FeedStream(hub, res, asked ?? last, () => feedClientAllowed(ctx, clientId));
    hub.add(stream);
    stream.pump();
  });

  return hub;
}
