/** A real upstream for gateway tests: echoes what it received, streams on /stream, hashes uploads on /upload. */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Upstream {
  readonly url: string;
  readonly port: number;
  /** Requests seen, in order. */
  readonly seen: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders }>;
  /** Lets the /stream response finish. */
  release(): void;
  close(): Promise<void>;
}

export async function startUpstream(): Promise<Upstream> {
  const seen: Upstream['seen'] = [];
  let release: () => void = () => {};
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    if (req.url === '/upload') {
      const hash = createHash('sha256');
      let bytes = 0;
      req.on('data', (c: Buffer) => {
        bytes += c.length;
        hash.update(c);
      });
      req.on('end', () => res.end(JSON.stringify({ bytes, sha256: hash.digest('hex') })));
      return;
    }
    if (req.url === '/stream') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first chunk\n');
      release = () => res.end('last chunk\n');
      return;
    }
    req.resume();
    res.writeHead(200, {
      'content-type': 'application/json',
      'x-upstream': 'yes',
      'keep-alive': 'timeout=5',
    });
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers }));
  });
  // Longer than a proxy's idle keep-alive (nginx: 60 s), so the upstream never closes a connection the
  // proxy is about to reuse (that race is a 502).
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    release: () => release(),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
