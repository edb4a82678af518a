import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cli } from '../helpers.js';
import { createClient, startServer, type TestServer, token } from '../server.js';

describe('signet audit tail', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it('audit tail prints the latest events, oldest first; --format json is one object per line', async () => {
    const c = await createClient(server);
    for (let i = 0; i < 6; i++) assert.equal((await token(server, c.id, c.secret)).code, 0);
    const parse = (stdout: string) =>
      stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { id: number; type: string });
    const all = await cli(['audit', 'tail', '-n', '1000', ...server.admin, '--format', 'json']);
    assert.equal(all.code, 0, all.stderr);
    const everything = parse(all.stdout);
    assert.ok(everything.length >= 8, `${everything.length} events`);
    assert.ok(everything.every((e, i) => i === 0 || e.id > (everything[i - 1] as { id: number }).id));
    const r = await cli(['audit', 'tail', '-n', '5', ...server.admin, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(parse(r.stdout), everything.slice(-5));
    assert.equal(everything.at(-1)?.type, 'token.issued');
    const text = await cli(['audit', 'tail', '-n', '2', ...server.admin]);
    assert.equal(text.stdout.trim().split('\n').length, 2);
    assert.match(text.stdout, /token\.issued/);
    assert.ok(!text.stdout.includes(c.secret));
  });

  it('audit tail -n over one API page returns exactly the newest events, without reading the whole log', async () => {
    const c = await createClient(server);
    const basic = `Basic ${Buffer.from(`${c.id}:${c.secret}`).toString('base64')}`;
    const issue = () =>
      fetch(`${server.issuer}/token`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      }).then((res) => assert.equal(res.status, 200));
    for (let batch = 0; batch < 24; batch++) await Promise.all(Array.from({ length: 50 }, issue));
    const r = await cli(['audit', 'tail', '-n', '1100', ...server.admin, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: number; type: string });
    assert.equal(events.length, 1100);
    assert.ok(events.every((e, i) => i === 0 || e.id === (events[i - 1] as { id: number }).id + 1));
    let eventsRead = 0;
    const counting: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (String(input).includes('/admin/audit'))
        eventsRead += ((await res.clone().json()) as { events: [] }).events.length;
      return res;
    };
    const last3 = await cli(['audit', 'tail', '-n', '3', ...server.admin, '--format', 'json'], {
      fetch: counting,
    });
    assert.ok(eventsRead < 60, `read ${eventsRead} events to print 3`);
    assert.deepEqual(
      last3.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
      events.slice(-3),
    );
  });

  it('audit tail --follow prints new events until interrupted', async () => {
    const c = await createClient(server);
    let stop!: () => void;
    const signal = new Promise<void>((resolve) => (stop = resolve));
    const running = cli(
      ['audit', 'tail', '-n', '0', '--follow', '--interval', '1', ...server.admin, '--format', 'json'],
      {
        signal,
      },
    );
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await token(server, c.id, c.secret)).code, 0);
    await new Promise((r) => setTimeout(r, 1500));
    stop();
    const r = await running;
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.split('\n').some((line) => line.includes('token.issued')));
  });
});
