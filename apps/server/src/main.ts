import { DataDirLockedError } from '@mm/db';
import { buildApp } from './app.ts';
import { parseEnv } from './env.ts';

async function main() {
  const env = parseEnv();
  // Every file this process creates (embedded database, secret key) is owner-only (docs/faults.md).
  process.umask(0o077);
  const app = await buildApp({ env });
  let stopping = false;
  // Graceful stop (docs/faults.md): stop accepting, let executions in flight finish within their
  // bound, stop the passes, close the database. Past the deadline the process exits anyway and the
  // next start's recovery settles whatever was left.
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const latest = app.services.tasks.executions.latestDeadline();
    const waitMs = env.MM_SHUTDOWN_TIMEOUT_MS ?? Math.max(10_000, (latest ?? 0) - Date.now() + 5_000);
    app.fastify.log.info(
      { signal, executionsInFlight: app.services.tasks.executions.size, waitMs },
      'shutting down: draining requests and executions in flight',
    );
    const force = setTimeout(() => {
      app.fastify.log.error({ waitMs }, 'shutdown deadline passed; exiting with work in flight');
      process.exit(1);
    }, waitMs);
    force.unref();
    await app.close();
    app.fastify.log.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  await app.fastify.listen({ host: env.HOST, port: env.PORT });
  app.fastify.log.info(
    { database: app.db.describe, console: `http://${env.HOST}:${env.PORT}/` },
    'Machine Markets orchestrator ready',
  );
}

main().catch((err: unknown) => {
  if (err instanceof DataDirLockedError || (err instanceof Error && err.message.startsWith('Invalid configuration'))) {
    console.error(err.message);
  } else {
    console.error(err);
  }
  process.exit(1);
});
