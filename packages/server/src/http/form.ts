import { invalidRequest, OAuthError } from '../errors.js';

/** A parsed `application/x-www-form-urlencoded` body: every name with all its values, in order. */
export type Form = Record<string, string[]>;

/** Names that occurred more than once, recorded while parsing (absent when none: the usual case). */
const REPEATED: unique symbol = Symbol('repeated');
type ParsedForm = Form & { [REPEATED]?: string[] };

/** Longest accepted value of one parameter (assertions are longer than anything else). */
const MAX_VALUE = 2048;
const MAX_LONG_VALUE = 8192;
const LONG_PARAMS = new Set(['client_assertion', 'assertion', 'subject_token', 'actor_token']);
const MAX_PARAMS = 64;

function decode(part: string): string {
  const s = part.indexOf('+') === -1 ? part : part.replace(/\+/g, ' ');
  if (s.indexOf('%') === -1) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    throw invalidRequest('the request body is not valid form encoding');
  }
}

/**
 * A strict `application/x-www-form-urlencoded` parser (WHATWG form encoding, UTF-8). Percent
 * escapes that are not valid UTF-8 and oversized values are refused with `invalid_request`, so a
 * malformed body never reaches a handler. Duplicates are kept: RFC 6749 §3.2 forbids repeating
 * a parameter, but RFC 8707 allows several `resource` values, so each endpoint decides (see
 * {@link singleParams}).
 *
 * @example
 * parseForm('grant_type=client_credentials&scope=a+b'); // { grant_type: ['client_credentials'], scope: ['a b'] }
 */
export function parseForm(body: string): Form {
  const form: Form = Object.create(null) as Form;
  if (body.length === 0) return form;
  let count = 0;
  for (const pair of body.split('&')) {
    if (pair.length === 0) continue;
    if (++count > MAX_PARAMS) throw invalidRequest('too many parameters');
    const eq = pair.indexOf('=');
    const name = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    if (value.length > (LONG_PARAMS.has(name) ? MAX_LONG_VALUE : MAX_VALUE)) {
      throw invalidRequest(`parameter "${name.slice(0, 40)}" is too long`);
    }
    const values = form[name];
    if (values === undefined) form[name] = [value];
    else {
      if (values.length === 1) {
        const parsed = form as ParsedForm;
        if (parsed[REPEATED] === undefined) parsed[REPEATED] = [name];
        else parsed[REPEATED].push(name);
      }
      values.push(value);
    }
  }
  return form;
}

/**
 * Refuses any parameter sent more than once unless listed in `multi` (RFC 6749 §3.2: "Request and
 * response parameters MUST NOT be included more than once"). Empty values count as absent
 * (RFC 6749 §3.1).
 */
export function singleParams(form: Form, multi: ReadonlySet<string>): void {
  const repeated = (form as ParsedForm)[REPEATED];
  if (repeated === undefined) return;
  for (const name of repeated) {
    if (!multi.has(name)) throw invalidRequest(`parameter "${name.slice(0, 40)}" is included more than once`);
  }
}

/** The single value of a parameter, `undefined` when absent or empty. */
export function param(form: Form, name: string): string | undefined {
  const v = form[name]?.[0];
  return v === undefined || v === '' ? undefined : v;
}

/** Every non-empty value of a parameter. */
export function params(form: Form, name: string): string[] {
  return (form[name] ?? []).filter((v) => v !== '');
}

/** The request body as a form, or `invalid_request` when it is not one. */
export function formOf(body: unknown): Form {
  if (typeof body !== 'object' || body === null) {
    throw new OAuthError(
      400,
      'invalid_request',
      'the request body must be application/x-www-form-urlencoded',
    );
  }
  return body as Form;
}
