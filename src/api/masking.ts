import type { FastifyRequest } from 'fastify';
import type { CaseView } from '../case/contract';
import { maskPersonal } from '../domain/personal';
import { mayReadUnmasked } from './scope';

/**
 * A case view as the caller may see it: the people it names unmasked for those who work the case (`mayReadUnmasked`,
 * the codec's rule too; the request is then marked `unmasked`, and the access is logged), masked for every other
 * caller, and for none at all.
 */
export function viewForCaller<V extends CaseView>(request: FastifyRequest, view: V): V {
  if (!view.personal?.length) return view;
  if (request.principal && mayReadUnmasked(request.principal, view)) {
    request.unmasked = true;
    return view;
  }
  return { ...view, personal: maskPersonal(view.personal) };
}
