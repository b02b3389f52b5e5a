import { router } from '../trpc.ts';

export const policiesRouter = router({});
