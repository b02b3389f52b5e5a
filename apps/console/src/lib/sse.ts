/**
 * A Server-Sent-Events reader over `fetch`, because EventSource cannot send headers and the change
 * feed needs `x-api-key` when the server requires a key (docs/console.md "Signing in"). The parser
 * follows the WHATWG event-stream rules: `id:`, `event:`, `data:` (several join with "\n"), `retry:`,
 * comments (`:`) ignored, a blank line dispatches, CR, LF and CRLF all end a line.
 */

export interface SseMessage {
  /** The last `id:` seen on the stream (it carries over to later events that name none). */
  id: string;
  /** `event:`, or `message` when the event named none. */
  event: string;
  data: string;
}

export interface SseParser {
  /** Feeds decoded text; a line or event split across chunks is kept until it completes. */
  push(chunk: string): void;
  /** The last event id, to resume with `Last-Event-ID`. */
  readonly lastEventId: string;
}

export function createSseParser(
  onMessage: (message: SseMessage) => void,
  onRetry: (ms: number) => void = () => undefined,
  lastEventId = '',
): SseParser {
  let buffer = '';
  let data: string[] = [];
  let event = '';
  let id = lastEventId;
  // A chunk that ended on CR: a LF starting the next one belongs to the same line break.
  let skipLf = false;

  const line = (text: string) => {
    if (text === '') {
      if (data.length > 0) onMessage({ id, event: event || 'message', data: data.join('\n') });
      data = [];
      event = '';
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        data.push(value);
        break;
      case 'event':
        event = value;
        break;
      case 'id':
        if (!value.includes('\0')) id = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) onRetry(Number(value));
        break;
      default:
        break;
    }
  };

  return {
    push(chunk) {
      let text = chunk;
      if (skipLf && text.startsWith('\n')) text = text.slice(1);
      skipLf = false;
      buffer += text;
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer[i];
        if (c !== '\n' && c !== '\r') continue;
        line(buffer.slice(start, i));
        if (c === '\r') {
          if (i + 1 === buffer.length) skipLf = true;
          else if (buffer[i + 1] === '\n') i++;
        }
        start = i + 1;
      }
      buffer = buffer.slice(start);
    },
    get lastEventId() {
      return id;
    },
  };
}

export interface EventStreamOptions {
  url: string;
  /** Read before every connection, so a key signed in later is used on the next reconnect. */
  headers: () => Record<string, string>;
  onMessage: (message: SseMessage) => void;
  /** The server refused with this status; the reader has stopped (it does not retry a refusal). */
  onRefused?: (status: number) => void;
  signal: AbortSignal;
  /** First wait before a reconnect; doubles up to `maxDelayMs`, back to the first after an open stream. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  fetch?: typeof fetch;
}

/** The wait before reconnect attempt `attempt` (0-based): exponential with a little jitter. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random = Math.random): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 16));
  return Math.round(base * (0.8 + 0.4 * random()));
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * Reads the stream until `signal` aborts: reconnects after a network failure, a 5xx or the end of
 * the stream, sending `Last-Event-ID` so nothing is missed. A 4xx other than 408/429 is a refusal
 * that retrying will not change (401: the key; 404: the machine): `onRefused` and stop.
 */
export async function readEventStream(opts: EventStreamOptions): Promise<void> {
  const doFetch = opts.fetch ?? fetch;
  const initial = opts.initialDelayMs ?? 1_000;
  const max = opts.maxDelayMs ?? 30_000;
  let retryMs = initial;
  let attempt = 0;
  let lastEventId = '';
  while (!opts.signal.aborted) {
    let opened = false;
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream', ...opts.headers() };
      if (lastEventId) headers['last-event-id'] = lastEventId;
      const res = await doFetch(opts.url, { headers, signal: opts.signal, cache: 'no-store' });
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        await res.body?.cancel();
        opts.onRefused?.(res.status);
        return;
      }
      if (res.ok && res.body && (res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
        opened = true;
        const parser = createSseParser(
          opts.onMessage,
          (ms) => {
            retryMs = ms;
          },
          lastEventId,
        );
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            parser.push(value);
            lastEventId = parser.lastEventId;
          }
        } finally {
          lastEventId = parser.lastEventId;
          reader.releaseLock();
        }
      } else {
        await res.body?.cancel();
      }
    } catch {
      // A network failure or the abort: the loop condition tells them apart.
    }
    if (opts.signal.aborted) return;
    // A stream that opened waits the server's `retry:` once; repeated failures back off from there.
    if (opened) attempt = 0;
    await sleep(opened ? retryMs : backoffDelay(attempt++, Math.max(initial, retryMs), max), opts.signal);
  }
}
