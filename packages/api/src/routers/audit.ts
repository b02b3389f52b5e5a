import { zAuditListQuery, zListQuery } from '@mm/contracts';
import { procedureWith, router } from '../trpc.ts';

export const auditRouter = router({
  list: procedureWith(zAuditListQuery.extend(zListQuery.shape).default({})).query(({ ctx, input }) =>
    ctx.services.audit.list(input),
  ),
});
