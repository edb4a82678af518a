import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseForm, singleParams } from '../../src/http/form.js';

describe('parseForm', () => {
  it('round-trips anything URLSearchParams encodes (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ maxLength: 100 })), {
          maxLength: 30,
        }),
        (pairs) => {
          const body = new URLSearchParams(pairs).toString();
          const form = parseForm(body);
          const expected = new Map<string, string[]>();
          for (const [k, v] of pairs) expected.set(k, [...(expected.get(k) ?? []), v]);
          assert.deepEqual(new Map(Object.entries(form)), expected);
        },
      ),
    );
  });

  it('refuses repeated parameters unless allowed, invalid escapes and oversized values', () => {
    const form = parseForm('a=1&resource=x&resource=y');
    assert.doesNotThrow(() => singleParams(form, new Set(['resource'])));
    assert.throws(() => singleParams(parseForm('a=1&a=1'), new Set()), { error: 'invalid_request' });
    assert.throws(() => parseForm('a=%ZZ'), { error: 'invalid_request' });
    assert.throws(() => parseForm(`a=${'x'.repeat(2049)}`), { error: 'invalid_request' });
    assert.doesNotThrow(() => parseForm(`client_assertion=${'x'.repeat(8000)}`));
    assert.throws(() => parseForm(Array.from({ length: 65 }, (_, i) => `p${i}=1`).join('&')), {
      error: 'invalid_request',
    });
  });

  it('never throws anything but an OAuth invalid_request on arbitrary input (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (body) => {
        try {
          parseForm(body);
        } catch (err) {
          assert.equal((err as { error?: string }).error, 'invalid_request');
        }
      }),
    );
  });
});
