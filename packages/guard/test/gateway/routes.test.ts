import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileRoutes, matchRoute, normalizeTarget, parseRoute } from '../../src/gateway/routes.js';

describe('gateway routes', () => {
  it('parses the CLI form', () => {
    assert.deepEqual(parseRoute('GET /orders/* orders:read'), {
      method: 'GET',
      pattern: '/orders/*',
      scopes: ['orders:read'],
    });
    assert.deepEqual(parseRoute('  *   /x  a b '), { method: '*', pattern: '/x', scopes: ['a', 'b'] });
    assert.deepEqual(parseRoute('POST /x'), { method: 'POST', pattern: '/x', scopes: [] });
    assert.throws(() => parseRoute('GET'), TypeError);
  });
  it('validates rules, naming the option', () => {
    assert.throws(
      () => compileRoutes([{ method: 'GET', pattern: 'orders', scopes: [] }]),
      /routes\[0\]\.pattern/,
    );
    assert.throws(() => compileRoutes([{ method: 'G T', pattern: '/', scopes: [] }]), /routes\[0\]\.method/);
    assert.throws(
      () => compileRoutes([{ method: 'GET', pattern: '/', scopes: ['a b'] }]),
      /routes\[0\]\.scopes/,
    );
  });
  it('matches first rule by method and pattern', () => {
    const routes = compileRoutes([
      parseRoute('GET /orders/* orders:read'),
      parseRoute('POST /orders/* orders:write'),
      parseRoute('* /items/*/price prices:read'),
      parseRoute('GET /files* files:read'),
    ]);
    const m = (method: string, path: string) => matchRoute(routes, method, path)?.scopes.join(' ');
    assert.equal(m('GET', '/orders'), 'orders:read');
    assert.equal(m('GET', '/orders/1/lines'), 'orders:read');
    assert.equal(m('HEAD', '/orders/1'), 'orders:read');
    assert.equal(m('post', '/orders/1'), 'orders:write');
    assert.equal(m('GET', '/ordersX'), undefined);
    assert.equal(m('DELETE', '/items/7/price'), 'prices:read');
    assert.equal(m('DELETE', '/items/7/8/price'), undefined);
    assert.equal(m('GET', '/files-old/a'), 'files:read');
    assert.equal(m('PUT', '/orders/1'), undefined);
  });
  it('normalizes dot segments so a rule cannot be sidestepped', () => {
    assert.deepEqual(normalizeTarget('/orders/../admin?x=1'), { path: '/admin', search: '?x=1' });
    assert.deepEqual(normalizeTarget('/orders/%2e%2e/admin'), { path: '/admin', search: '' });
    assert.equal(normalizeTarget('/a/./b//c').path, '/a/b/c');
  });
  it('every spelling of a path meets the same rule', () => {
    const routes = compileRoutes([parseRoute('GET /orders/* orders:read'), parseRoute('GET /admin admin')]);
    const m = (target: string) => matchRoute(routes, 'GET', normalizeTarget(target).path)?.scopes.join(' ');
    for (const t of [
      '/ORDERS/1',
      '//orders/1',
      '/%6Frders/1',
      '/orders//1',
      '/x/%2E%2E/orders/1',
      '/orders\\1',
    ]) {
      assert.equal(m(t), 'orders:read', t);
    }
    for (const t of ['/admin', '/admin/', '/Admin', '//admin']) assert.equal(m(t), 'admin', t);
    assert.equal(m('/administrator'), undefined);
    assert.equal(normalizeTarget('//evil.example/x').path, '/evil.example/x');
    assert.equal(normalizeTarget('/a?q=%7E&b=%2F').search, '?q=~&b=%2F');
  });
});
