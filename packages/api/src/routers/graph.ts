import { router } from '../trpc.ts';

export const graphRouter = router({});
