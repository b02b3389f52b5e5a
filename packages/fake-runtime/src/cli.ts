#!/usr/bin/env -S node --import tsx
/** `pnpm fake-runtime [--port 4010] [--mode ok|error|garbage|slow] [--slow-ms 5000]`: a loopback runtime for demos. */
import { parseArgs } from 'node:util';
import { startFakeRuntime } from './index.ts';
import type { FakeMode } from './index.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    mode: { type: 'string', default: 'ok' },
    'slow-ms': { type: 'string', default: '5000' },
  },
});
const runtime = await startFakeRuntime({
  port: Number(values.port),
  mode: values.mode as FakeMode,
  slowMs: Number(values['slow-ms']),
});
console.log(`fake runtime (OpenAI-compatible + /invoke) listening on ${runtime.url}, mode ${values.mode}`);
process.on('SIGINT', () => void runtime.close().then(() => process.exit(0)));
process.on('SIGTERM', () => void runtime.close().then(() => process.exit(0)));
