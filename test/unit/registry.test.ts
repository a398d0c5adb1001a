import { caseActionSchemas } from '../../src/procedures/schema';
import { calendarBroadcastWorkflowType } from '../../src/domain/calendar-broadcast';
import { calendarWatchWorkflowType } from '../../src/domain/calendar-watch';
import { caseIdOf } from '../../src/case/contract';
import {
  actionSchemas,
  anyActionSchema,
  caseStartSchema,
  procedureOfCaseId,
  procedureRegistry,
  procedures,
  procedureTitlesZh,
  workflowTypes,
} from '../../src/procedures/index';
import * as workflows from '../../workflows';
import type { AnyProcedureDefinition } from '../../src/case/case';

// Every list of procedures is derived from the registry; these fail when a procedure is in one and not another.

const exported = workflows as Record<string, { definition?: AnyProcedureDefinition }>;

test('the names are unique, kebab-case, and every derived list has exactly them', () => {
  expect(new Set(procedures).size).toBe(procedures.length);
  for (const name of procedures) expect(name).toMatch(/^[a-z]+(-[a-z]+)*$/);
  expect(Object.keys(workflowTypes).sort()).toEqual([...procedures].sort());
  expect(Object.keys(procedureTitlesZh).sort()).toEqual([...procedures].sort());
  expect(Object.keys(actionSchemas).sort()).toEqual([...procedures].sort());
  expect(caseStartSchema.options.map((o) => o.shape.procedure.value).sort()).toEqual([...procedures].sort());
  // Each procedure's actions, and the adoption confirmation every procedure shares.
  expect(anyActionSchema.options).toEqual([...procedureRegistry.map((p) => p.action), ...caseActionSchemas]);
});

test('the worker registers exactly the workflow types the API starts, each running its own procedure, the calendar broadcast and the calendar watch', () => {
  expect(Object.keys(exported).sort()).toEqual([...Object.values(workflowTypes), calendarBroadcastWorkflowType, calendarWatchWorkflowType].sort());
  for (const entry of procedureRegistry) {
    const definition = exported[entry.workflowType].definition;
    expect(definition?.descriptor.name).toBe(entry.name);
    expect(definition?.descriptor.duties).toBe(entry.duties);
  }
});

test.each(procedureRegistry.map((p) => [p.name, p] as const))(
  '%s: a case id names its procedure; duty keys are stable kebab-case and unique',
  (name, entry) => {
    expect(procedureOfCaseId(caseIdOf(name, 'X-2026-1'))).toBe(name);
    const keys = Object.values(entry.duties).map((d) => d.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) expect(key).toMatch(/^[a-z]+(-[a-z]+)*$/);
    for (const value of Object.values(entry.policy)) expect(typeof value).toBe('number');
  },
);

test('a case id of no registered procedure names none', () => {
  expect(procedureOfCaseId('parking:X-1')).toBeUndefined();
  expect(procedureOfCaseId('ab')).toBeUndefined();
});
