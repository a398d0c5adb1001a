import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Search attributes are stored unencrypted and listed in the UI: ids and dates only, never personal data.
export const caseProcedureKey = defineSearchAttributeKey('CaseProcedure', SearchAttributeType.KEYWORD);
export const stationIdKey = defineSearchAttributeKey('StationId', SearchAttributeType.KEYWORD);
export const officerIdKey = defineSearchAttributeKey('OfficerId', SearchAttributeType.KEYWORD);
export const caseStatusKey = defineSearchAttributeKey('CaseStatus', SearchAttributeType.KEYWORD);
export const nextDueAtKey = defineSearchAttributeKey('NextDueAt', SearchAttributeType.DATETIME);
export const overdueCountKey = defineSearchAttributeKey('OverdueCount', SearchAttributeType.INT);
/** Since when a case has been unable to write its records; unset while they are written. */
export const recordsBlockedSinceKey = defineSearchAttributeKey('RecordsBlockedSince', SearchAttributeType.DATETIME);

export const caseSearchAttributes = [
  caseProcedureKey,
  stationIdKey,
  officerIdKey,
  caseStatusKey,
  nextDueAtKey,
  overdueCountKey,
  recordsBlockedSinceKey,
] as const;
