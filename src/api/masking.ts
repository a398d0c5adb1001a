import type { FastifyRequest } from 'fastify';
import type { CaseView } from '../case/contract';
import { maskPersonal, rolesSeeingPersonalData } from '../domain/personal';
import { hasRole } from '../domain/roles';

/**
 * A case view as the caller may see it: the people it names unmasked for the roles whose work needs them (the request
 * is then marked `unmasked`, and the access is logged), masked for every other caller, and for none at all.
 */
export function viewForCaller<V extends CaseView>(request: FastifyRequest, view: V): V {
  if (!view.personal?.length) return view;
  if (request.principal && hasRole(request.principal, ...rolesSeeingPersonalData)) {
    request.unmasked = true;
    return view;
  }
  return { ...view, personal: maskPersonal(view.personal) };
}
