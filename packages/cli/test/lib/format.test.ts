import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration, parsePort } from '../../src/lib/duration.js';
import { UsageError } from '../../src/lib/errors.js';
import { metadataUrl } from '../../src/lib/oauth.js';
import { cell, keyValues, table } from '../../src/lib/output.js';

describe('lib: durations, ports, discovery URLs, text output', () => {
  it('parses durations in seconds or with a unit', () => {
    assert.equal(parseDuration('300', '--ttl'), 300);
    assert.equal(parseDuration('30s', '--ttl'), 30);
    assert.equal(parseDuration('5m', '--ttl'), 300);
    assert.equal(parseDuration('2h', '--ttl'), 7200);
    assert.equal(parseDuration('7d', '--ttl'), 604_800);
    for (const bad of ['', '5x', '-1', '1.5m', 'm', '9'.repeat(20)]) {
      assert.throws(
        () => parseDuration(bad, '--ttl'),
        (e: unknown) => e instanceof UsageError && e.exitCode === 2,
        bad,
      );
    }
  });

  it('parses ports 0-65535 only', () => {
    assert.equal(parsePort('0', '--port'), 0);
    assert.equal(parsePort('65535', '--port'), 65_535);
    for (const bad of ['65536', '-1', 'http', '80a', '']) {
      assert.throws(() => parsePort(bad, '--port'), UsageError, bad);
    }
  });

  it('puts the RFC 8414 well-known segment between the host and the issuer path', () => {
    assert.equal(
      metadataUrl('http://127.0.0.1:8080'),
      'http://127.0.0.1:8080/.well-known/oauth-authorization-server',
    );
    assert.equal(
      metadataUrl('https://auth.example/tenant/a/'),
      'https://auth.example/.well-known/oauth-authorization-server/tenant/a',
    );
  });

  it('renders aligned tables and key-value blocks; times as ISO 8601', () => {
    const text = table(
      [
        { kid: 'a', state: 'active', scopes: ['x', 'y'] },
        { kid: 'longer-kid', state: null, scopes: [] },
      ],
      ['kid', 'state', 'scopes'],
    );
    assert.equal(text, 'KID         STATE   SCOPES\na           active  x y\nlonger-kid  -       -');
    assert.equal(keyValues({ a: 1, long_key: true }), 'a         1\nlong_key  true');
    assert.equal(cell(1_795_910_000), '2026-11-28T23:53:20Z');
  });
});
