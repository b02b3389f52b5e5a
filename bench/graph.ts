/** `pnpm bench:graph`: only the graph canvas benchmark (needs `pnpm build`). */
import { benchGraphPan } from './graph-pan.bench.ts';

await benchGraphPan();
process.exit(0);
