import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSignetServer, loadConfig } from '../../src/index.js';
import { startTestServer } from '../helpers/server.js';

describe('concurrent rotations on two replicas', () => {
  it('an operator rotation sent to both at once leaves one successor', async () => {
    const t = await startTestServer();
    const b = await createSignetServer(
      loadConfig({ flags: { dataDir: t.dir, port: 0, adminPort: 0, logLevel: 'silent' }, env: {} }),
      { now: t.clock.now, timers: false },
    );
    try {
      const rotate = (app: typeof b.admin) =>
        app.inject({
          method: 'POST',
          url: '/admin/keys/rotate',
          headers: { authorization: `Bearer ${t.adminToken}` },
        });
      for (let round = 0; round < 3; round++) {
        const [ra, rb] = await Promise.all([rotate(t.server.admin), rotate(b.admin)]);
        assert.equal(ra.statusCode, 200);
        assert.equal(rb.statusCode, 200);
        await t.server.rotateKeysNow();
        const keys = (await t.admin('GET', '/admin/keys')).body.keys as { state: string; kid: string }[];
        assert.equal(keys.filter((k) => k.state === 'next').length, 1, JSON.stringify(keys));
        t.clock.advance(3601);
        await t.server.rotateKeysNow();
        await b.rotateKeysNow();
      }
    } finally {
      await b.close();
      await t.close();
    }
  });
});
