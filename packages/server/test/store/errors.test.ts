import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyStoreError, isStoreUnavailable, StoreUnavailableError } from '../../src/store/index.js';

const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

test('unreachable-database errors become ERR_STORE_UNAVAILABLE, keeping the cause', () => {
  for (const error of [
    coded('ECONNREFUSED'),
    coded('ECONNRESET'),
    coded('ETIMEDOUT'),
    coded('08006'), // connection_failure
    coded('57P01'), // admin_shutdown
    coded('57P03'), // cannot_connect_now (starting up)
    coded('53300'), // too_many_connections
    coded('57014'), // query_canceled (statement_timeout)
    coded('SQLITE_BUSY'),
    new Error('timeout exceeded when trying to connect'),
    new Error('Connection terminated unexpectedly'),
  ]) {
    const mapped = classifyStoreError(error);
    assert.ok(mapped instanceof StoreUnavailableError, String((error as Error).message));
    assert.equal(mapped.code, 'ERR_STORE_UNAVAILABLE');
    assert.equal(mapped.cause, error);
    assert.ok(mapped.retryAfter >= 1);
    assert.ok(isStoreUnavailable(mapped));
  }
});

test('other errors pass through unchanged', () => {
  for (const error of [
    coded('23505'), // unique_violation
    coded('42P01'), // undefined_table
    coded('SQLITE_CONSTRAINT_PRIMARYKEY'),
    new TypeError('bad'),
    'a string',
    undefined,
  ]) {
    assert.equal(classifyStoreError(error), error);
    assert.equal(isStoreUnavailable(error), false);
  }
});

test('isStoreUnavailable recognises the code across module copies', () => {
  assert.equal(isStoreUnavailable({ code: 'ERR_STORE_UNAVAILABLE' }), true);
  assert.equal(isStoreUnavailable(null), false);
});
