/** A minimal Server-Sent Events reader over fetch, for tests (Node 20 has no EventSource). */
export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

export interface SseClient {
  status: number;
  contentType: string | null;
  events: SseEvent[];
  comments: string[];
  /** Resolves when `n` events have arrived (or rejects after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<SseEvent[]>;
  body: string;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const client: SseClient = {
    status: res.status,
    contentType: res.headers.get('content-type'),
    events: [],
    comments: [],
    body: '',
    waitFor: async (n, timeoutMs = 5_000) => {
      const deadline = Date.now() + timeoutMs;
      while (client.events.length < n) {
        if (Date.now() > deadline)
          throw new Error(`only ${client.events.length} of ${n} events within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return client.events.slice(0, n);
    },
    close: () => abort.abort(),
  };
  if (!res.headers.get('content-type')?.startsWith('text/event-stream')) {
    client.body = await res.text();
    return client;
  }
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let idx: number;
        while ((idx = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, idx);
          buffer = buffer.slice(idx + 2);
          const event: SseEvent = { data: '' };
          let hasField = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) client.comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) {
              event.id = line.slice(4);
              hasField = true;
            } else if (line.startsWith('event: ')) {
              event.event = line.slice(7);
              hasField = true;
            } else if (line.startsWith('data: ')) {
              event.data += line.slice(6);
              hasField = true;
            }
          }
          if (hasField && (event.id !== undefined || event.data)) client.events.push(event);
        }
      }
    } catch {
      // aborted
    }
  })();
  return client;
}
