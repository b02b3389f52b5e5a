import { describe, expect, it } from 'vitest';
import { backoffDelay, createSseParser, readEventStream } from './sse.ts';
import type { SseMessage } from './sse.ts';

function parse(chunks: string[], lastEventId = '') {
  const messages: SseMessage[] = [];
  const retries: number[] = [];
  const parser = createSseParser(
    (m) => messages.push(m),
    (ms) => retries.push(ms),
    lastEventId,
  );
  for (const c of chunks) parser.push(c);
  return { messages, retries, lastEventId: parser.lastEventId };
}

describe('createSseParser', () => {
  it('reads the change feed format: id, event, data per event', () => {
    const { messages, retries, lastEventId } = parse([
      'retry: 2000\n: connected\n\n',
      'id: 12\nevent: graph.node.created\ndata: {"seq":12}\n\n',
      ': heartbeat\n\n',
      'id: 13\nevent: task.created\ndata: {"seq":13}\n\n',
    ]);
    expect(retries).toEqual([2000]);
    expect(messages).toEqual([
      { id: '12', event: 'graph.node.created', data: '{"seq":12}' },
      { id: '13', event: 'task.created', data: '{"seq":13}' },
    ]);
    expect(lastEventId).toBe('13');
  });

  it('keeps lines and events split across chunks, even mid-field', () => {
    const { messages } = parse(['id: 4', '2\nev', 'ent: run.finished\nda', 'ta: {"a":', '1}\n', '\n']);
    expect(messages).toEqual([{ id: '42', event: 'run.finished', data: '{"a":1}' }]);
  });

  it('treats CRLF, CR and LF alike, also when CRLF is split between chunks', () => {
    const { messages } = parse(['data: one\r', '\n\r\n', 'data: two\r\rdata: three\n\n']);
    expect(messages.map((m) => m.data)).toEqual(['one', 'two', 'three']);
  });

  it('joins several data lines with a newline; an event without event: is a message', () => {
    const { messages } = parse(['data: a\ndata:b\ndata\n\n']);
    expect(messages).toEqual([{ id: '', event: 'message', data: 'a\nb\n' }]);
  });

  it('dispatches nothing for an event without data and does not leak its type into the next', () => {
    const { messages } = parse(['event: lonely\nid: 7\n\n', 'data: x\n\n']);
    expect(messages).toEqual([{ id: '7', event: 'message', data: 'x' }]);
  });

  it('strips one leading space only, ignores unknown fields, comments and bad retry values', () => {
    const { messages, retries } = parse(['data:  two spaces\nfoo: bar\n:comment\nretry: soon\n\n']);
    expect(messages).toEqual([{ id: '', event: 'message', data: ' two spaces' }]);
    expect(retries).toEqual([]);
  });

  it('keeps the id it was resumed from until the stream names another; an id with NUL is ignored', () => {
    expect(parse(['data: x\n\n'], '99').messages[0]?.id).toBe('99');
    expect(parse(['id: 1\0\ndata: x\n\n'], '5').lastEventId).toBe('5');
  });

  it('waits for the blank line: an unfinished event is not dispatched', () => {
    expect(parse(['id: 1\ndata: x\n']).messages).toEqual([]);
  });
});

describe('backoffDelay', () => {
  it('doubles up to the cap, with ±20 % jitter', () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, 1000, 8000, mid))).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect(backoffDelay(0, 1000, 8000, () => 0)).toBe(800);
    expect(backoffDelay(0, 1000, 8000, () => 1)).toBe(1200);
  });
});

/** A fake fetch: each call answers the next scripted response and records the headers it was sent. */
function scripted(responses: (() => Response)[]) {
  const calls: Record<string, string>[] = [];
  const fn = (_url: string | URL | Request, init?: RequestInit) => {
    calls.push(Object.fromEntries(new Headers(init?.headers)));
    const next = responses.shift();
    if (!next) return new Promise<Response>(() => undefined);
    return Promise.resolve(next());
  };
  const typed: typeof fetch = fn;
  return { fetch: typed, calls };
}

const stream = (body: string) => () =>
  new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8' } });

describe('readEventStream', () => {
  it('sends the headers, reconnects with Last-Event-ID after the stream ends, and stops on abort', async () => {
    const abort = new AbortController();
    const got: string[] = [];
    const { fetch, calls } = scripted([
      stream('retry: 1\n\nid: 3\nevent: a\ndata: one\n\n'),
      () => {
        throw new TypeError('Failed to fetch');
      },
      stream('id: 4\nevent: a\ndata: two\n\n'),
    ]);
    let key = 'k1';
    const done = readEventStream({
      url: '/api/v1/events?machineId=m',
      headers: () => ({ 'x-api-key': key }),
      onMessage: (m) => {
        got.push(m.data);
        key = 'k2';
        if (m.data === 'two') abort.abort();
      },
      signal: abort.signal,
      initialDelayMs: 1,
      maxDelayMs: 2,
      fetch,
    });
    await done;
    expect(got).toEqual(['one', 'two']);
    expect(calls[0]).toEqual({ accept: 'text/event-stream', 'x-api-key': 'k1' });
    expect(calls[1]).toMatchObject({ 'x-api-key': 'k2', 'last-event-id': '3' });
    expect(calls[2]).toMatchObject({ 'last-event-id': '3' });
  });

  it('stops on a refusal and reports its status (401: the key was not accepted)', async () => {
    const refused: number[] = [];
    const { fetch, calls } = scripted([() => new Response('{}', { status: 401 })]);
    await readEventStream({
      url: '/x',
      headers: () => ({}),
      onMessage: () => undefined,
      onRefused: (s) => refused.push(s),
      signal: new AbortController().signal,
      fetch,
    });
    expect(refused).toEqual([401]);
    expect(calls).toHaveLength(1);
  });

  it('retries a 5xx and an answer that is not an event stream', async () => {
    const abort = new AbortController();
    const { fetch, calls } = scripted([
      () => new Response('down', { status: 503 }),
      () => new Response('<html>', { status: 200, headers: { 'content-type': 'text/html' } }),
      stream('data: ok\n\n'),
    ]);
    await readEventStream({
      url: '/x',
      headers: () => ({}),
      onMessage: () => abort.abort(),
      signal: abort.signal,
      initialDelayMs: 1,
      maxDelayMs: 2,
      fetch,
    });
    expect(calls).toHaveLength(3);
  });
});
