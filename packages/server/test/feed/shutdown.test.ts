/**
 * Shutdown with a subscriber whose next request is already on its connection (a pooled client that
 * reconnects at once on its keep-alive socket, here pipelined so the race is always lost): the
 * replica must neither open it a new stream nor wait for one until its drain grace runs out.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { basic, startTestServer } from '../helpers/server.js';

const GRACE_MS = 30_000;

test('a stream request queued on a subscriber connection does not hold the shutdown', {
  timeout: 60_000,
}, async (t) => {
  const server = await startTestServer({
    feed: { keepAliveMs: 60_000, pollIntervalMs: 60_000, maxLag: 100_000 },
    http: { shutdownGraceMs: GRACE_MS },
  });
  t.after(() => server.close());
  const { publicUrl } = await server.server.listen();
  const feed = await server.createClient({ name: 'feed', capabilities: ['revocations'] });
  const authorization = basic(feed.client.client_id, feed.client_secret as string);

  const socket = connect(Number(new URL(publicUrl).port), '127.0.0.1');
  t.after(() => socket.destroy());
  let received = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    received += chunk;
  });
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  const request = `GET /revocations/stream HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${authorization}\r\n\r\n`;
  socket.write(request + request);
  for (let i = 0; i < 100 && !received.includes(': ok'); i++) await new Promise((r) => setTimeout(r, 20));
  assert.match(received, /^HTTP\/1\.1 200 /, 'the first stream is open');

  const started = Date.now();
  await server.server.close();
  const took = Date.now() - started;
  await closed;
  const statuses = [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]);
  t.diagnostic(`close() took ${took} ms; statuses on the connection: ${statuses.join(' ')}`);
  assert.ok(took < 5000, `close() took ${took} ms (grace ${GRACE_MS} ms)`);
  // The stream open before the shutdown is the only one: the queued request got a 503 or nothing.
  assert.equal(statuses[0], '200');
  for (const s of statuses.slice(1)) assert.equal(s, '503');
});
