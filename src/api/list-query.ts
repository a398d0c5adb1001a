import { z } from 'zod';
import { instant } from '../procedures/schema';
import { parseInstant } from '../case/legal-time';

/** A yes/no query parameter: `true` or `false`. */
export const queryFlag = z.enum(['true', 'false']).transform((v) => v === 'true');

/** An instant query parameter, as epoch ms. */
export const queryInstant = instant.transform(parseInstant);

/** The paging parameters of a list: an opaque cursor from the previous page, and how many rows a page holds. */
export function pagingQuery(isCursor: (cursor: string) => boolean) {
  return {
    cursor: z.string().max(1000).refine(isCursor, 'a cursor from the previous page (nextCursor)').optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  };
}
