import type { JsonWebKey } from 'node:crypto';
import { algorithmConfusion, tamper } from './attacks.js';
import { basic, call, fetchToken, peek, type Seen, until } from './http.js';
import type { Narrator, Outcome } from './narrator.js';
import { type Admin, type Landscape, OTHER_AUDIENCE, S2_AUDIENCE } from './setup.js';

const show = (seen: Seen) =>
  `${seen.status}${seen.wwwAuthenticate ? ` (WWW-Authenticate: ${seen.wwwAuthenticate})` : ''}`;

/** An outcome that is right when the status is `status` and, for errors, the challenge names `error`. */
function expect(seen: Seen, status: number, error?: string): Outcome {
  const ok =
    seen.status === status &&
    (error === undefined || (seen.wwwAuthenticate ?? '').includes(`error="${error}"`));
  return { observed: show(seen), ok };
}

/** S1 asks Auth for a token and calls S2; then the attacks. */
export async function tokensAndAttacks(n: Narrator, l: Landscape): Promise<void> {
  const issuer = l.auth.url;
  const orders = `${l.s2.url}/orders`;
  n.section('S1 proves who it is to Auth and calls S2');
  let token = '';
  await n.step('S1 gets a token (client_credentials)', 'an ES256 at+jwt for S2', async () => {
    token = await fetchToken(issuer, l.s1Client, {
      audience: S2_AUDIENCE,
      scope: 'orders:read orders:write',
    });
    const { header, claims } = peek(token);
    const ok = header.alg === 'ES256' && header.typ === 'at+jwt' && claims.aud === S2_AUDIENCE;
    return {
      observed: `${header.alg} ${header.typ}, ${Buffer.byteLength(token)} bytes`,
      ok,
      details: { header, claims, bytes: Buffer.byteLength(token) },
      lines: [`header ${JSON.stringify(header)}`, `claims ${JSON.stringify(claims)}`],
    };
  });
  await n.step('S1 calls S2 with Authorization: Bearer', 'S2 verifies locally: 200', async () => {
    const seen = (await (await fetch(`${l.s1.url}/call?path=/orders`)).json()) as { status: number };
    return { observed: `S2 answered ${seen.status}`, ok: seen.status === 200 };
  });

  n.section('What must fail');
  await n.step('a tampered token (scope widened)', '401 invalid_token', async () =>
    expect(await call(orders, { token: tamper(token) }), 401, 'invalid_token'),
  );
  await n.step('a token for another service (aud)', '401 invalid_token', async () => {
    const other = await fetchToken(issuer, l.s1Client, { audience: OTHER_AUDIENCE, scope: 'orders:read' });
    return expect(await call(orders, { token: other }), 401, 'invalid_token');
  });
  await n.step('a token without the scope (POST needs orders:write)', '403 insufficient_scope', async () => {
    const readOnly = await fetchToken(issuer, l.s1Client, { audience: S2_AUDIENCE, scope: 'orders:read' });
    return expect(await call(orders, { method: 'POST', token: readOnly }), 403, 'insufficient_scope');
  });
  await n.step('RS256→HS256 trick: HS256 signed with Auth’s public key', '401 invalid_token', async () => {
    const jwks = (await (await fetch(`${issuer}/.well-known/jwks.json`)).json()) as { keys: JsonWebKey[] };
    const kid = peek(token).header.kid;
    const jwk = jwks.keys.find((k) => (k as { kid?: string }).kid === kid) ?? jwks.keys[0];
    if (!jwk) throw new Error('empty JWKS');
    return expect(await call(orders, { token: algorithmConfusion(token, jwk) }), 401, 'invalid_token');
  });
  await n.step('no token at all', '401 with a bare Bearer challenge', async () => {
    const seen = await call(orders);
    return {
      observed: show(seen),
      ok: seen.status === 401 && !(seen.wwwAuthenticate ?? '').includes('error='),
    };
  });
}

/** S1 revokes its token (RFC 7009); S2 rejects it as soon as the feed delivers it. */
export async function revocation(n: Narrator, l: Landscape): Promise<void> {
  const orders = `${l.s2.url}/orders`;
  n.section('Revocation reaches S2 at once, not at expiry');
  const token = await fetchToken(l.auth.url, l.s1Client, { audience: S2_AUDIENCE, scope: 'orders:read' });
  await n.step('the token works before revocation', '200', async () =>
    expect(await call(orders, { token }), 200),
  );
  await n.step('S1 revokes it (POST /revoke) and S2 rejects it', '401 within a second', async () => {
    const res = await fetch(`${l.auth.url}/revoke`, {
      method: 'POST',
      headers: {
        authorization: basic(l.s1Client.id, l.s1Client.secret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token }),
    });
    if (res.status !== 200) return { observed: `/revoke answered ${res.status}`, ok: false };
    const ms = await until(async () => (await call(orders, { token })).status === 401, 5000, 5);
    if (ms === undefined) return { observed: 'still accepted after 5 s', ok: false };
    return {
      observed: `rejected ${ms.toFixed(1)} ms after the /revoke response`,
      ok: ms < 1000,
      details: { propagationMs: ms },
    };
  });
  await n.step('other tokens of S1 keep working', '200', async () => {
    const fresh = await fetchToken(l.auth.url, l.s1Client, { audience: S2_AUDIENCE, scope: 'orders:read' });
    return expect(await call(orders, { token: fresh }), 200);
  });
}

/** Steady traffic from S1 to S2 while Auth rotates its signing key: no request may fail. */
export async function rotation(n: Narrator, l: Landscape & { admin: Admin }): Promise<void> {
  n.section('Keys rotate and nobody notices');
  await n.step('rotation during steady S1 → S2 traffic', 'new kid in use, 0 failed requests', async () => {
    const before = peek(await fetchToken(l.auth.url, l.s1Client, { audience: S2_AUDIENCE })).header.kid;
    let ok = 0;
    let failed = 0;
    let running = true;
    const traffic = (async () => {
      while (running) {
        await fetch(`${l.s1.url}/forget`);
        const seen = (await (await fetch(`${l.s1.url}/call?path=/orders`)).json()) as { status: number };
        if (seen.status === 200) ok++;
        else failed++;
      }
    })();
    await l.admin('/admin/keys/rotate', {});
    let after: unknown = before;
    const switched = await until(
      async () => {
        after = peek(await fetchToken(l.auth.url, l.s1Client, { audience: S2_AUDIENCE })).header.kid;
        return after !== before;
      },
      20_000,
      200,
    );
    await new Promise((r) => setTimeout(r, 1000));
    running = false;
    await traffic;
    const observed = `kid ${String(before).slice(0, 8)}… → ${String(after).slice(0, 8)}…, ${ok} requests ok, ${failed} failed`;
    return { observed, ok: switched !== undefined && failed === 0 && ok > 0, details: { ok, failed } };
  });
}

/** The gateway in front of S2 applies the same checks at the edge. */
export async function gateway(n: Narrator, l: Landscape): Promise<void> {
  n.section('The gateway in front of S2 does the same at the edge');
  const gw = await l.startGateway();
  const orders = `${gw.url}/orders`;
  const token = await fetchToken(l.auth.url, l.s1Client, { audience: S2_AUDIENCE, scope: 'orders:read' });
  await n.step('valid token through the gateway', '200 from S2', async () =>
    expect(await call(orders, { token }), 200),
  );
  await n.step('tampered token at the gateway', '401 invalid_token', async () =>
    expect(await call(orders, { token: tamper(token) }), 401, 'invalid_token'),
  );
  await n.step('missing scope at the gateway (POST)', '403 insufficient_scope', async () =>
    expect(await call(orders, { method: 'POST', token }), 403, 'insufficient_scope'),
  );
}
