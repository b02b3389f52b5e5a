import { zCreatePolicyRequest, zListQuery, zPolicyParams, zUpdatePolicyRequest } from '@mm/contracts';
import { procedureWith, router } from '../trpc.ts';

export const policiesRouter = router({
  list: procedureWith(zListQuery.default({})).query(({ ctx, input }) => ctx.services.policies.list(input)),
  get: procedureWith(zPolicyParams).query(({ ctx, input }) => ctx.services.policies.get(input.policyId)),
  create: procedureWith(zCreatePolicyRequest).mutation(({ ctx, input }) =>
    ctx.services.policies.create(input, ctx.caller),
  ),
  update: procedureWith(zPolicyParams.extend(zUpdatePolicyRequest.shape)).mutation(({ ctx, input }) => {
    const { policyId, ...patch } = input;
    return ctx.services.policies.update(policyId, patch, ctx.caller);
  }),
  delete: procedureWith(zPolicyParams).mutation(async ({ ctx, input }) => {
    // Nothing, as REST's 204 (docs/api.md "tRPC answers").
    await ctx.services.policies.delete(input.policyId, ctx.caller);
  }),
});
