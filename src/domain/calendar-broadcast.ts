import type { CalendarYear } from '../case/calendar';

/**
 * The contract of the calendar broadcast: one workflow per loaded version of a year tells every open case of it, so a
 * load outlives the request that made it. The API starts it by this type name; it never imports workflow code.
 */
export const calendarBroadcastWorkflowType = 'calendarBroadcastWorkflow';

/** One broadcast per year and version: starting it twice finds the first. */
export const calendarBroadcastId = (year: number, version: number) => `calendar-${year}-v${version}`;

export interface CalendarBroadcastInput {
  year: CalendarYear;
}

/** A broadcast as supervisors see it; `casesReached` counts the open cases signalled so far, `finishedAt` is set at the end. */
export interface CalendarBroadcast {
  id: string;
  version: number;
  requestedAt: string;
  casesReached: number | null;
  finishedAt: string | null;
}
