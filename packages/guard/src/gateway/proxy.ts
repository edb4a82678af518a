import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Auth } from '../types.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js';

/** The upstream a proxy forwards to, with its keep-alive agent. */
export interface Upstream {
  readonly url: URL;
  readonly agent: http.Agent;
  /** Closes idle upstream connections. */
  close(): void;
}

/** Parses the upstream URL once and creates the keep-alive agent. */
export function createUpstream(upstream: string | URL, maxSockets: number): Upstream {
  let url: URL;
  try {
    url = new URL(upstream);
  } catch {
    throw new TypeError('"upstream" must be an http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TypeError('"upstream" must be an http(s) URL');
  const Agent = url.protocol === 'https:' ? https.Agent : http.Agent;
  const agent = new Agent({ keepAlive: true, maxSockets, scheduling: 'lifo' });
  return { url, agent, close: () => agent.destroy() };
}

function badGateway(res: ServerResponse): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error: 'bad_gateway', error_description: 'The upstream is unavailable' });
  res.writeHead(502, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
}

/**
 * Forwards one authenticated request to the upstream, streaming both bodies (no buffering), and answers
 * 502 when the upstream cannot be reached.
 */
export function proxyRequest(
  upstream: Upstream,
  req: IncomingMessage,
  res: ServerResponse,
  auth: Auth | undefined,
  target: string,
  withClaims: boolean,
  timeout: number,
): void {
  const { url } = upstream;
  const basePath = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  const headers = upstreamRequestHeaders(req.headers, auth, withClaims, req.socket.remoteAddress, url.host);
  const send = url.protocol === 'https:' ? https.request : http.request;
  const upReq = send({
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port,
    method: req.method,
    path: basePath + target,
    headers,
    agent: upstream.agent,
    timeout,
  });
  upReq.on('response', (upRes) => {
    res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, clientResponseHeaders(upRes.headers));
    upRes.pipe(res);
    upRes.on('error', () => res.destroy());
  });
  upReq.on('timeout', () => upReq.destroy(new Error('upstream timeout')));
  upReq.on('error', () => badGateway(res));
  // If the client goes away, stop the upstream exchange too.
  res.on('close', () => {
    if (!res.writableFinished) upReq.destroy();
  });
  req.on('error', () => upReq.destroy());
  req.pipe(upReq);
}
