import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type SseEvent, SseParser } from '../../src/feed/sse.js';

function parse(chunks: string[]): { events: SseEvent[]; comments: string[] } {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const p = new SseParser(
    (e) => events.push(e),
    (c) => comments.push(c),
  );
  for (const c of chunks) p.push(c);
  return { events, comments };
}

describe('SseParser', () => {
  it('parses events, ids, comments and multi-line data', () => {
    const { events, comments } = parse([
      ': ok\n\nevent: revocation\nid: 7\ndata: {"a":1}\n\n: keep-alive\n\ndata: x\ndata: y\n\n',
    ]);
    assert.deepEqual(events, [
      { event: 'revocation', id: '7', data: '{"a":1}' },
      { event: 'message', id: undefined, data: 'x\ny' },
    ]);
    assert.deepEqual(comments, ['ok', 'keep-alive']);
  });

  it('gives the same result for every way of splitting the input, with LF, CRLF or CR line ends', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const text = ['event: revocation', 'id: 1', 'data: one', '', 'event: reset', 'data: {}', '', ''].join(
        eol,
      );
      const whole = parse([text]).events;
      assert.equal(whole.length, 2, JSON.stringify(eol));
      for (let i = 0; i <= text.length; i++) {
        assert.deepEqual(parse([text.slice(0, i), text.slice(i)]).events, whole, `split at ${i}`);
      }
      assert.deepEqual(parse([...text]).events, whole, 'one character at a time');
    }
  });

  it('drops one leading space only; ignores ids with NUL, unknown fields and data-less events', () => {
    const { events } = parse(['data:  two\nid: a\0b\nretry: 5\nfoo: bar\n\nevent: lonely\n\n']);
    assert.deepEqual(events, [{ event: 'message', id: undefined, data: ' two' }]);
  });

  it('keeps an incomplete event until its blank line arrives', () => {
    const events: SseEvent[] = [];
    const p = new SseParser((e) => events.push(e));
    p.push('event: revocation\nid: 3\ndata: {}');
    assert.equal(events.length, 0);
    p.push('\n');
    assert.equal(events.length, 0);
    p.push('\n');
    assert.equal(events.length, 1);
  });
});
