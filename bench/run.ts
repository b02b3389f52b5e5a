/**
 * `pnpm bench [name]`: every benchmark prints ratios against a baseline measured in this same
 * process or run. With a name, only that one runs; without, all of them, in this order.
 */
import { benchDiscovery } from './discovery.bench.ts';
import { benchGraphPan } from './graph-pan.bench.ts';
import { benchHeartbeat } from './heartbeat.bench.ts';
import { benchStore } from './store.bench.ts';

const benches: Record<string, () => Promise<void>> = {
  discovery: benchDiscovery,
  store: benchStore,
  'graph-pan': benchGraphPan,
  heartbeat: benchHeartbeat,
};

const name = process.argv[2];
if (name !== undefined && !(name in benches)) {
  console.error(`unknown benchmark ${name}; one of: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
for (const [key, bench] of Object.entries(benches)) {
  if (name === undefined || key === name) await bench();
}
process.exit(0);
