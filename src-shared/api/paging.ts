import { z } from 'zod';

/** `?limit=&offset=`: query values arrive as text, so they are coerced. */
export const pageInput = z.strictObject({
  limit: z.coerce.number().int().min(1, 'limit is at least 1').max(500, 'limit is at most 500').default(50),
  offset: z.coerce.number().int().min(0, 'offset is at least 0').default(0),
});
export type PageInput = z.infer<typeof pageInput>;

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });
}

export const idInput = z.strictObject({ id: z.string().min(1).max(100) });
