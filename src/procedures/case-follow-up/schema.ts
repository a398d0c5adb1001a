import { z } from 'zod';
import { actionBase, adoptionBlock, caseStartBase, instant, plugIn, setOf } from '../schema';
import type { ActionRoles } from '../../domain/roles';
import { caseFollowUpProcedure, caseKinds, visitKinds, visitTopics } from './descriptor';

/** Start of a case follow-up (案件回访, Art. 80): a criminal or administrative case in the officer's area was filed (立案). */
export const followUpStartSchema = caseStartBase.extend({
  procedure: z.literal('case-follow-up'),
  caseKind: z.enum(caseKinds),
  filedAt: instant,
  /** How many victims or parties are to be visited; who they are stays in the station system. */
  victimCount: z.int().min(0).max(10_000),
  // A case filed before beatflow takes it over: whether the filing visit was made.
  adoption: adoptionBlock({ filingVisitMade: z.boolean().optional() }),
});

/** Actions an officer or the station system reports on a case follow-up. */
export const followUpActionSchema = z.discriminatedUnion('type', [
  actionBase.extend({
    type: z.literal('visited'),
    visit: z.enum(visitKinds),
    covered: setOf(z.enum(visitTopics), visitTopics.length).min(1),
    riskFound: z.boolean().optional(),
  }),
  actionBase.extend({ type: z.literal('case-concluded') }),
]);

export type FollowUpStart = z.infer<typeof followUpStartSchema>;
export type FollowUpAction = z.infer<typeof followUpActionSchema>;

/** Who reports what (Art. 80): the officer's visits; the case's conclusion (结案) comes from the station system or its leader. */
export const followUpActionRoles = {
  visited: ['officer', 'station-leader'],
  'case-concluded': ['station-system', 'station-leader'],
} as const satisfies ActionRoles<FollowUpAction['type']>;

/** The case follow-up procedure as the registry lists it. */
export const caseFollowUpPlugin = plugIn(caseFollowUpProcedure, {
  start: followUpStartSchema,
  action: followUpActionSchema,
  actionRoles: followUpActionRoles,
  example: {
    start: { procedure: 'case-follow-up', caseKind: 'criminal', filedAt: '2026-03-02T09:00:00+08:00', victimCount: 1 },
    actions: {
      visited: { visit: 'filing', covered: ['informed-progress'] },
      'case-concluded': {},
    },
  },
});
