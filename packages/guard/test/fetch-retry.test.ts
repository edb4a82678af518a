import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryOnce } from '../src/fetch-retry.js';

describe('retryOnce', () => {
  it('retries one network failure at once', async () => {
    let calls = 0;
    const base = (async () => {
      calls++;
      if (calls === 1) throw new TypeError('fetch failed');
      return new Response('ok');
    }) as typeof fetch;
    const res = await retryOnce(base)('http://127.0.0.1:1/');
    assert.equal(await res.text(), 'ok');
    assert.equal(calls, 2);
  });
  it('gives up after the second failure, and never retries an aborted request', async () => {
    let calls = 0;
    const failing = (async () => {
      calls++;
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    await assert.rejects(retryOnce(failing)('http://127.0.0.1:1/'), TypeError);
    assert.equal(calls, 2);
    calls = 0;
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(retryOnce(failing)('http://127.0.0.1:1/', { signal: controller.signal }), TypeError);
    assert.equal(calls, 1);
  });
});
