/**
 * Starts a real nginx (Debian `nginx-light`, which has auth_request) on a free loopback port, with a generated
 * configuration and its own prefix, pid and log paths in a temporary directory.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Debian package CI installs for this test. */
export const NGINX_PACKAGE = 'nginx-light';

/** Finds nginx with auth_request, installing the Debian package when missing (root only). */
export function ensureNginx(): string | undefined {
  const find = () => {
    const r = spawnSync('sh', ['-c', 'command -v nginx || ls /usr/sbin/nginx'], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim().split('\n')[0] : undefined;
  };
  let bin = find();
  if (bin === undefined && process.getuid?.() === 0) {
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', NGINX_PACKAGE], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: 'ignore',
    });
    bin = find();
  }
  if (bin === undefined) return undefined;
  const v = spawnSync(bin, ['-V'], { encoding: 'utf8' });
  return `${v.stdout}${v.stderr}`.includes('http_auth_request_module') ? bin : undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface Nginx {
  readonly url: string;
  readonly dir: string;
  errorLog(): string;
  stop(): Promise<void>;
}

/** Runs `nginx -p dir -c nginx.conf` in the foreground; `http` is the body of the http block. */
export async function startNginx(bin: string, http: (port: number) => string): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'signet-nginx-'));
  chmodSync(dir, 0o755);
  for (const d of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi', 'logs']) mkdirSync(join(dir, d));
  const port = await freePort();
  const root = process.getuid?.() === 0;
  const conf = `${root ? 'user root;\n' : ''}worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log info;
events { worker_connections 1024; }
http {
  access_log ${dir}/logs/access.log;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${http(port)}
}
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child: ChildProcess = spawn(
    bin,
    ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'logs/error.log')],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (c) => {
    stderr += c;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // Bounded polling until nginx accepts connections.
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`nginx exited: ${stderr}`);
    }
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (up) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`nginx did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    dir,
    errorLog: () => {
      try {
        return readFileSync(join(dir, 'logs/error.log'), 'utf8');
      } catch {
        return '';
      }
    },
    stop,
  };
}

/**
 * The nginx configuration documented in docs/gateways.md, with the example ports replaced: the test runs
 * exactly what the documentation shows.
 */
export function documentedNginxConfig(port: number, upstreamPort: number, authPort: number): string {
  const doc = readFileSync(fileURLToPath(new URL('../../../../docs/gateways.md', import.meta.url)), 'utf8');
  const block = /```nginx\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(block !== undefined, 'docs/gateways.md has an nginx block');
  const replace = (text: string, from: string, to: string) => {
    assert.ok(text.includes(from), `the documented config contains ${from}`);
    return text.replaceAll(from, to);
  };
  let conf = replace(block, 'server 127.0.0.1:3001;', `server 127.0.0.1:${upstreamPort};`);
  conf = replace(conf, 'server 127.0.0.1:9000;', `server 127.0.0.1:${authPort};`);
  return replace(conf, 'listen 80;', `listen 127.0.0.1:${port};`);
}
