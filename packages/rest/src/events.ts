/**
 * `GET /api/v1/events?machineId=…`: the change feed as Server-Sent Events (context C7,
 * docs/liveness.md "The change feed"). One `id:` (the event's seq), `event:` (its type) and `data:`
 * (the audit event view) per event; `Last-Event-ID` or `?after=` resumes; a comment line every
 * `heartbeatMs` keeps proxies from closing an idle stream. The route validates, authenticates and
 * applies the machine guard before the stream opens, so refusals answer in the error envelope.
 */
import { once } from 'node:events';
import { zFeedPosition, zMachineEventsQuery, zodIssuesToFields } from '@mm/contracts';
import { AppError, runAs } from '@mm/core';
import type { Caller, Services } from '@mm/core';
import type { FastifyInstance } from 'fastify';

export interface EventStreamOptions {
  services: Services;
  authenticate(headers: Record<string, string | string[] | undefined>): Caller;
  /** Comment lines on an idle stream (ms); 15 s by default. */
  heartbeatMs?: number;
  /** Aborts when the server shuts down, so open streams end and the server can close. */
  shutdown?: AbortSignal;
}

export const EVENTS_PATH = '/events';

function position(query: string | undefined, header: string | string[] | undefined): bigint | null {
  const raw = (Array.isArray(header) ? header[0] : header) ?? query;
  if (raw === undefined || raw === '') return null;
  const parsed = zFeedPosition.safeParse(raw);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    zodIssuesToFields(parsed.error, header !== undefined ? 'headers.last-event-id' : 'query.after', fields);
    throw new AppError('VALIDATION_ERROR', 'Last-Event-ID / after must be an event id returned by this feed', {
      fields,
    });
  }
  return BigInt(parsed.data);
}

/** Waits for `drain` or the stream's end, then removes the other listener (no listener left behind). */
async function drainOrAbort(res: NodeJS.WritableStream, signal: AbortSignal): Promise<void> {
  const settled = new AbortController();
  try {
    await Promise.race([
      once(res, 'drain', { signal: settled.signal }),
      once(signal, 'abort', { signal: settled.signal }),
    ]);
  } finally {
    settled.abort();
  }
}

export function registerEventStream(app: FastifyInstance, opts: EventStreamOptions): void {
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  app.get(EVENTS_PATH, async (req, reply) => {
    const parsed = zMachineEventsQuery.safeParse(req.query ?? {});
    if (!parsed.success) {
      const fields: Record<string, string> = {};
      zodIssuesToFields(parsed.error, 'query', fields);
      throw new AppError(
        'VALIDATION_ERROR',
        Object.entries(fields)
          .map(([k, v]) => `${k} ${v}`)
          .join('; '),
        {
          fields,
        },
      );
    }
    const query = parsed.data;
    const after = position(query.after, req.headers['last-event-id']);
    const caller = opts.authenticate(req.headers);
    // Read as the caller: another owner's machine is 404 here too (docs/trust.md).
    await runAs(caller, () => opts.services.events.assertReadable(query.machineId, query.includeInactive === 'true'));

    const abort = new AbortController();
    const stop = () => abort.abort();
    req.raw.on('close', stop);
    opts.shutdown?.addEventListener('abort', stop, { once: true });
    void reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // The first bytes flush the headers; `retry` tells EventSource how soon to reconnect.
    res.write('retry: 2000\n: connected\n\n');
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
    heartbeat.unref();
    try {
      for await (const { seq, event } of opts.services.events.stream(query.machineId, after, abort.signal)) {
        const ok = res.write(`id: ${seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
        if (!ok && !abort.signal.aborted) await drainOrAbort(res, abort.signal);
      }
    } catch (err) {
      // The client reconnects with Last-Event-ID and misses nothing; say why in the log only.
      req.log.warn({ err }, 'change feed stream ended by an error');
    } finally {
      clearInterval(heartbeat);
      req.raw.off('close', stop);
      opts.shutdown?.removeEventListener('abort', stop);
      res.end();
    }
  });
}
