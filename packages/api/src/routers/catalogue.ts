import {
  zListQuery,
  zServiceIdParams,
  zServiceListQuery,
  zSkillKeyParams,
  zUpsertServiceRequest,
  zUpsertSkillRequest,
} from '@mm/contracts';
import { procedureWith, router } from '../trpc.ts';

/** Upserts answer the view, as every mutation does (docs/api.md "tRPC answers"). */
export const catalogueRouter = router({
  listSkills: procedureWith(zListQuery.default({})).query(({ ctx, input }) => ctx.services.catalogue.listSkills(input)),
  listServices: procedureWith(zServiceListQuery.extend(zListQuery.shape).default({})).query(({ ctx, input }) =>
    ctx.services.catalogue.listServices(input),
  ),
  getService: procedureWith(zServiceIdParams).query(({ ctx, input }) =>
    ctx.services.catalogue.getService(input.serviceId),
  ),
  upsertSkill: procedureWith(zSkillKeyParams.extend(zUpsertSkillRequest.shape)).mutation(async ({ ctx, input }) => {
    const { skillKey, ...body } = input;
    const { item } = await ctx.services.catalogue.upsertSkill(skillKey, body, ctx.caller);
    return item;
  }),
  upsertService: procedureWith(zServiceIdParams.extend(zUpsertServiceRequest.shape)).mutation(
    async ({ ctx, input }) => {
      const { serviceId, ...body } = input;
      const { item } = await ctx.services.catalogue.upsertService(serviceId, body, ctx.caller);
      return item;
    },
  ),
});
