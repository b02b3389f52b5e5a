/** `pnpm bench`: every benchmark prints ratios against a baseline measured in this same process. */
import { benchDiscovery } from './discovery.bench.ts';
import { benchGraphPan } from './graph-pan.bench.ts';
import { benchStore } from './store.bench.ts';

await benchDiscovery();
await benchStore();
await benchGraphPan();
process.exit(0);
