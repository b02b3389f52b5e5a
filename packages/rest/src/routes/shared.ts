import { z } from 'zod';

/** `{item}` envelope of a view (context A2), for the OpenAPI document. */
export const item = <T extends z.ZodType>(s: T) => z.object({ item: s });

/** `{items, nextCursor?}` envelope of a list (context A2). */
export const list = <T extends z.ZodType>(s: T) => z.object({ items: z.array(s), nextCursor: z.string().optional() });

/** What the machine guard (context B9) and input validation can answer on a machine-scoped route. */
export const GUARD = ['NOT_FOUND', 'MACHINE_NOT_ACTIVE', 'MACHINE_NOT_ACTIVATED', 'VALIDATION_ERROR'];
