/** One dispatched Server-Sent Event. */
export interface SseEvent {
  /** `event` field; `message` when absent. */
  event: string;
  /** `id` field of this event, if it had one. */
  id: string | undefined;
  /** `data` lines joined with `\n`. */
  data: string;
}

/**
 * An incremental `text/event-stream` parser (WHATWG HTML §9.2.6): lines end in LF, CRLF or CR; a
 * blank line dispatches; `:` starts a comment; one space after the colon is dropped; an `id`
 * containing NUL is ignored; unknown fields (and `retry`) are ignored. Feed it decoded text in chunks
 * of any size.
 *
 * @example
 * const p = new SseParser((e) => console.log(e.event, e.id, e.data));
 * p.push('event: revocation\nid: 7\ndata: {}\n\n');
 */
export class SseParser {
  readonly #onEvent: (event: SseEvent) => void;
  readonly #onComment: ((text: string) => void) | undefined;
  #buffer = '';
  #pendingCr = false;
  #event = '';
  #id: string | undefined;
  #data: string[] = [];

  constructor(onEvent: (event: SseEvent) => void, onComment?: (text: string) => void) {
    this.#onEvent = onEvent;
    this.#onComment = onComment;
  }

  /** Parses a chunk; complete events are dispatched before it returns. */
  push(chunk: string): void {
    let text = chunk;
    // A CR at the end of the previous chunk already ended a line: drop the LF of its CRLF.
    if (this.#pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.#pendingCr = false;
    let buf = this.#buffer + text;
    let start = 0;
    for (;;) {
      const lf = buf.indexOf('\n', start);
      const cr = buf.indexOf('\r', start);
      let end: number;
      if (lf === -1 && cr === -1) break;
      if (cr === -1 || (lf !== -1 && lf < cr)) end = lf;
      else end = cr;
      const line = buf.slice(start, end);
      if (buf[end] === '\r') {
        if (end + 1 === buf.length) this.#pendingCr = true;
        else if (buf[end + 1] === '\n') end++;
      }
      start = end + 1;
      this.#line(line);
    }
    buf = buf.slice(start);
    this.#buffer = buf;
  }

  #line(line: string): void {
    if (line === '') {
      this.#dispatch();
      return;
    }
    const colon = line.indexOf(':');
    if (colon === 0) {
      this.#onComment?.(line.slice(1).trimStart());
      return;
    }
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
  }

  #dispatch(): void {
    const data = this.#data;
    const event = this.#event;
    const id = this.#id;
    this.#data = [];
    this.#event = '';
    this.#id = undefined;
    if (data.length === 0) return;
    this.#onEvent({ event: event === '' ? 'message' : event, id, data: data.join('\n') });
  }
}
