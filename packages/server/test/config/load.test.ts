import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, DEFAULTS, initDataDir, loadConfig, redactConfig } from '../../src/index.js';

function withYaml(text: string, fn: (file: string) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'signet-cfg-'));
  try {
    const file = join(dir, 'signet.yaml');
    writeFileSync(file, text);
    fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('loadConfig', () => {
  it('uses the defaults module', () => {
    const c = loadConfig({ env: {} });
    assert.equal(c.issuer, DEFAULTS.issuer);
    assert.equal(c.port, 8080);
    assert.equal(c.signing.alg, 'ES256');
    assert.equal(c.tokens.defaultTtl, 300);
    assert.equal(c.signing.jwksMaxAge, 300);
  });

  it('applies flags > SIGNET_* env > YAML > defaults', () => {
    withYaml(
      'port: 7000\nissuer: https://yaml.example\nsigning:\n  alg: RS256\n  jwksMaxAge: 120\n',
      (file) => {
        const env = { SIGNET_PORT: '7100', SIGNET_SIGNING_ALG: 'PS256' };
        const fileOnly = loadConfig({ file, env: {} });
        assert.equal(fileOnly.port, 7000);
        assert.equal(fileOnly.signing.jwksMaxAge, 120);
        assert.equal(fileOnly.signing.publishAhead, DEFAULTS.signing.publishAhead);
        const withEnv = loadConfig({ file, env });
        assert.equal(withEnv.port, 7100);
        assert.equal(withEnv.signing.alg, 'PS256');
        assert.equal(withEnv.issuer, 'https://yaml.example');
        const withFlags = loadConfig({ file, env, flags: { port: 7200, signing: { alg: 'EdDSA' } } });
        assert.equal(withFlags.port, 7200);
        assert.equal(withFlags.signing.alg, 'EdDSA');
        assert.equal(withFlags.signing.jwksMaxAge, 120);
      },
    );
  });

  it('reads the file named by SIGNET_CONFIG', () => {
    withYaml('adminPort: 9999\n', (file) => {
      assert.equal(loadConfig({ env: { SIGNET_CONFIG: file } }).adminPort, 9999);
    });
  });

  it('rejects unknown keys with their path', () => {
    withYaml('signing:\n  algo: ES256\n', (file) => {
      assert.throws(
        () => loadConfig({ file, env: {} }),
        (e: unknown) =>
          e instanceof ConfigError && e.code === 'ERR_CONFIG_INVALID' && e.path === '/signing/algo',
      );
    });
    assert.throws(() => loadConfig({ flags: { nope: 1 } as never, env: {} }), {
      code: 'ERR_CONFIG_INVALID',
      path: '/nope',
    });
  });

  it('rejects bad values, bad env values and inconsistent timing', () => {
    assert.throws(() => loadConfig({ env: { SIGNET_PORT: 'eighty' } }), {
      code: 'ERR_CONFIG_INVALID',
      path: 'SIGNET_PORT',
    });
    assert.throws(() => loadConfig({ env: { SIGNET_DEV: 'maybe' } }), { code: 'ERR_CONFIG_INVALID' });
    assert.throws(() => loadConfig({ flags: { port: 70000 }, env: {} }), {
      code: 'ERR_CONFIG_INVALID',
      path: '/port',
    });
    assert.throws(() => loadConfig({ flags: { signing: { alg: 'HS256' as never } }, env: {} }), {
      path: '/signing/alg',
    });
    assert.throws(() => loadConfig({ flags: { issuer: 'not a url' }, env: {} }), { path: '/issuer' });
    assert.throws(() => loadConfig({ flags: { signing: { publishAhead: 100, jwksMaxAge: 300 } }, env: {} }), {
      path: '/signing/publishAhead',
    });
    assert.throws(() => loadConfig({ flags: { tokens: { defaultTtl: 7200, maxTtl: 3600 } }, env: {} }), {
      path: '/tokens/defaultTtl',
    });
    withYaml('port: [1\n', (file) =>
      assert.throws(() => loadConfig({ file, env: {} }), { code: 'ERR_CONFIG_FILE' }),
    );
    assert.throws(() => loadConfig({ file: '/nonexistent/signet.yaml', env: {} }), {
      code: 'ERR_CONFIG_FILE',
    });
  });

  it('redacts secrets', () => {
    const c = loadConfig({
      env: {
        SIGNET_KEK: 'k'.repeat(43),
        SIGNET_ADMIN_TOKEN: 'a'.repeat(43),
        SIGNET_DATABASE_URL: 'postgres://u:hunter2@db/signet',
      },
    });
    const text = JSON.stringify(redactConfig(c));
    assert.ok(!text.includes('kkkkkkkk') && !text.includes('aaaaaaaa') && !text.includes('hunter2'));
    assert.match(text, /"kek":"\*\*\*"/);
  });
});

describe('initDataDir', () => {
  it('creates the directory, a 0600 KEK file and a 0600 admin token once', async () => {
    const root = mkdtempSync(join(tmpdir(), 'signet-init-'));
    const dir = join(root, 'data');
    try {
      const first = await initDataDir(dir);
      assert.equal(first.created.length, 3);
      assert.match(first.adminToken ?? '', /^[A-Za-z0-9_-]{43}$/);
      assert.equal(statSync(first.kekFile).mode & 0o777, 0o600);
      assert.equal(statSync(first.adminTokenFile).mode & 0o777, 0o600);
      const second = await initDataDir(dir);
      assert.deepEqual(second.created, []);
      assert.equal(second.adminToken, undefined);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
