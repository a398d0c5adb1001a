/** The baseline of bench/service.ts: a workflow that answers an Update and does nothing else (the server's ceiling). */
import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

export const noopUpdate = defineUpdate<number, [unknown]>('submitAction');

export async function noopWorkflow(): Promise<void> {
  let answered = 0;
  setHandler(noopUpdate, () => ++answered);
  await condition(() => false);
}
