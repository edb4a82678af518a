/** What the demo saw of one HTTP exchange. */
export interface Seen {
  status: number;
  wwwAuthenticate: string | null;
  body: string;
}

/** One request, answered as {@link Seen}. */
export async function call(
  url: string,
  init: { method?: string; token?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Seen> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(url, { method: init.method ?? 'GET', headers, body: init.body ?? null });
  return { status: res.status, wwwAuthenticate: res.headers.get('www-authenticate'), body: await res.text() };
}

/** Basic credentials per RFC 6749 §2.3.1 (form-encoded inside Basic). */
export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** A client_credentials token from the Auth service, or an error with the OAuth error code. */
export async function fetchToken(
  issuer: string,
  client: { id: string; secret: string },
  params: { audience?: string; scope?: string } = {},
): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', ...params });
  const res = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: basic(client.id, client.secret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body,
  });
  const json = (await res.json()) as { access_token?: string; error?: string };
  if (!res.ok || !json.access_token) throw new Error(`token endpoint: ${res.status} ${json.error ?? ''}`);
  return json.access_token;
}

/** Header and claims of a compact JWS, without verifying (for display and for the attacks). */
export function peek(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [h = '', p = ''] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>,
    claims: JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>,
  };
}

/** Waits until `probe` returns true, polling every `everyMs`; returns the elapsed ms or `undefined` on timeout. */
export async function until(
  probe: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 10,
): Promise<number | undefined> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    if (await probe()) return performance.now() - start;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return undefined;
}
