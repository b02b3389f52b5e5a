/**
 * A real HTTP runtime for tests, demos and the e2e suite: OpenAI-compatible (`GET /v1/models`,
 * `POST /v1/chat/completions`, as QVAC serves) and the generic protocol (`GET /health`,
 * `POST /invoke`). Its behaviour can be switched at run time to exercise every failure class.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FakeMode = 'ok' | 'error' | 'garbage' | 'slow';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface FakeRuntime {
  url: string;
  port: number;
  requests: RecordedRequest[];
  setMode(mode: FakeMode): void;
  /** How long `slow` waits before answering from now on (ms). */
  setSlowMs(ms: number): void;
  /** When set, requests without `Authorization: Bearer <token>` (or x-api-key) answer 401. */
  requireToken(token: string | null): void;
  close(): Promise<void>;
}

export interface FakeRuntimeOptions {
  port?: number;
  host?: string;
  mode?: FakeMode;
  /** How long `slow` waits before answering (ms). */
  slowMs?: number;
  model?: string;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function lastUserMessage(body: unknown): string {
  const messages = (body as { messages?: { role?: string; content?: unknown }[] } | null)?.messages ?? [];
  const last = [...messages].reverse().find((m) => m.role === 'user');
  return typeof last?.content === 'string' ? last.content : '';
}

export async function startFakeRuntime(opts: FakeRuntimeOptions = {}): Promise<FakeRuntime> {
  let mode: FakeMode = opts.mode ?? 'ok';
  let token: string | null = null;
  let slowMs = opts.slowMs ?? 5_000;
  const requests: RecordedRequest[] = [];
  const model = opts.model ?? 'fake-llm-1';
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      let body: unknown = null;
      try {
        body = raw ? (JSON.parse(raw) as unknown) : null;
      } catch {
        body = raw;
      }
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (token) {
        const auth = req.headers.authorization ?? '';
        const key = req.headers['x-api-key'];
        if (auth !== `Bearer ${token}` && key !== token) return send(401, { error: { message: 'unauthorized' } });
      }
      if (req.method === 'GET' && (path === '/v1/models' || path === '/health')) {
        return send(
          200,
          path === '/health' ? { status: 'ok' } : { object: 'list', data: [{ id: model, object: 'model' }] },
        );
      }
      const isChat = req.method === 'POST' && path === '/v1/chat/completions';
      const isInvoke = req.method === 'POST' && path === '/invoke';
      if (!isChat && !isInvoke) return send(404, { error: { message: `no route ${req.method} ${path}` } });
      if (mode === 'slow') await new Promise((r) => setTimeout(r, slowMs));
      if (mode === 'error') return send(500, { error: { message: 'model crashed' } });
      if (mode === 'garbage') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('<html>not json</html>');
      }
      if (isInvoke) {
        const b = body as { operation?: string; input?: unknown };
        return send(200, { ok: true, operation: b.operation ?? null, echo: b.input ?? null });
      }
      const requestedModel = (body as { model?: string } | null)?.model ?? model;
      return send(200, {
        id: `chatcmpl-${requests.length}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: requestedModel,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: `echo: ${lastUserMessage(body)}` },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      });
    })();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    setMode: (m) => {
      mode = m;
    },
    setSlowMs: (ms) => {
      slowMs = ms;
    },
    requireToken: (t) => {
      token = t;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
