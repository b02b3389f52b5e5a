import type { Services } from '@mm/core';
import type { FastifyBaseLogger } from 'fastify';
import type { Env } from './env.ts';

/** Background work of the process. Returns a stop function that waits for in-flight work. */
export function startWorkers(_opts: { services: Services; env: Env; log: FastifyBaseLogger }): () => Promise<void> {
  return () => Promise.resolve();
}
