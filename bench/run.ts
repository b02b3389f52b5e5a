/**
 * `pnpm bench [name]`: one benchmark by name, or every one in turn. Each measures its baseline in
 * the same run and prints `RESULT <name> key=value …` as its last line.
 */
import { benchAudit } from './audit.bench.ts';
import { benchDiscovery } from './discovery.bench.ts';
import { benchGraphPan } from './graph-pan.bench.ts';
import { benchGraphRead } from './graph-read.bench.ts';
import { benchHeartbeat } from './heartbeat.bench.ts';
import { benchLifecycle } from './lifecycle.bench.ts';
import { benchMoveNodes } from './move-nodes.bench.ts';
import { benchStore } from './store.bench.ts';
import { benchSweep } from './sweep.bench.ts';

const BENCHES: Record<string, () => Promise<void>> = {
  discovery: benchDiscovery,
  store: benchStore,
  'graph-pan': benchGraphPan,
  graph: benchGraphRead,
  'move-nodes': benchMoveNodes,
  audit: benchAudit,
  sweep: benchSweep,
  lifecycle: benchLifecycle,
  heartbeat: benchHeartbeat,
};

const name = process.argv[2];
if (name && !BENCHES[name]) {
  console.error(`unknown benchmark ${name}; one of: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
for (const [key, run] of Object.entries(BENCHES)) {
  if (!name || key === name) await run();
}
process.exit(0);
