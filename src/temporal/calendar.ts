import type { Client } from '@temporalio/client';
import type { CalendarYear } from '../domain/calendar';
import { calendarChangedSignal } from '../domain/case';
import { workflowTypes } from '../domain/procedures';

/**
 * Tells every open case that a calendar year changed; each recomputes its deadlines not yet reached. A case
 * ignores a version it already holds, so repeating this is harmless. Returns how many cases were told.
 */
export async function broadcastCalendarYear(client: Client, year: CalendarYear): Promise<number> {
  const types = Object.values(workflowTypes)
    .map((t) => `'${t}'`)
    .join(', ');
  let told = 0;
  for await (const execution of client.workflow.list({ query: `ExecutionStatus = 'Running' AND WorkflowType IN (${types})` })) {
    await client.workflow.getHandle(execution.workflowId).signal(calendarChangedSignal, year);
    told++;
  }
  return told;
}
