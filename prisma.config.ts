// Prisma CLI configuration. The CLI would download a native schema engine for every command; this
// machine reaches only the npm registry, so we point it at a stand-in that is never executed by
// `generate`/`validate`/`format`. Migrations go through packages/db/src/migrate (Prisma's WASM engine).
import path from 'node:path';
import { defineConfig } from 'prisma/config';

process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve('prisma/schema-engine-standin.sh');
process.env.CHECKPOINT_DISABLE ??= '1';
process.env.PRISMA_HIDE_UPDATE_MESSAGE ??= '1';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
