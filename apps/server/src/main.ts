import { DataDirLockedError } from '@mm/db';
import { buildApp } from './app.ts';
import { parseEnv } from './env.ts';

async function main() {
  const env = parseEnv();
  const app = await buildApp({ env });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.fastify.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app.close();
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
