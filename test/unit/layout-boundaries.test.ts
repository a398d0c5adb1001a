/**
 * The layout's boundaries, as lint enforces them (eslint.config.js): a procedure's folder and the case are pure (no
 * I/O, no Node built-ins, no API), their rules take no zod, and workflow code imports no schema at run time.
 */
import path from 'node:path';
import { ESLint } from 'eslint';

const root = path.resolve(__dirname, '../..');
// The import rules are syntactic: lint without the type-aware program, so that a file that is not on disk is linted.
// The config is handed over as loaded (ESLint's own loader imports it dynamically, which jest's module sandbox cannot).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require('../../eslint.config.js');
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  baseConfig: config,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false, project: null } },
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
});

async function refusedImports(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message.split("'")[1]);
}

test.each([
  ['pg', "import { Pool } from 'pg';\nexport const p = Pool;\n"],
  ['node:fs', "import fs from 'node:fs';\nexport const p = fs;\n"],
  ['src/api', "import { buildApp } from '../../api/app';\nexport const p = buildApp;\n"],
  ['zod', "import { z } from 'zod';\nexport const p = z;\n"],
  ['its schema at run time', "import { bailStartSchema } from './schema';\nexport const p = bailStartSchema;\n"],
])("a procedure's rules that import %s fail lint", async (_what, code) => {
  expect(await refusedImports('src/procedures/bail-surveillance/rules.ts', code)).toHaveLength(1);
});

test('what a procedure, the case and workflow code may import passes lint', async () => {
  const rules = [
    "import type { BailStart } from './schema';",
    "import { addDays } from '../../case/legal-time';",
    "import type { CaseContext } from '../../case/case';",
    "import type { AuditEntry } from '../../../activities';",
    'export const p: [BailStart?, CaseContext<never, never>?, AuditEntry?] = [];',
    'export const q = addDays;',
  ].join('\n');
  expect(await refusedImports('src/procedures/bail-surveillance/rules.ts', rules)).toEqual([]);
  const workflow = [
    "import { bailSurveillance } from '../src/procedures/bail-surveillance/rules';",
    "import { caseWorkflow } from './case-runtime';",
    'export const w = caseWorkflow(bailSurveillance);',
  ].join('\n');
  expect(await refusedImports('workflows/index.ts', workflow)).toEqual([]);
});

test('the case and workflow code refuse zod, the registry and the API', async () => {
  expect(await refusedImports('src/case/case.ts', "import { procedures } from '../procedures';\nexport const p = procedures;\n")).toEqual([
    '../procedures',
  ]);
  expect(
    await refusedImports('workflows/index.ts', "import { caseStartSchema } from '../src/procedures';\nexport const p = caseStartSchema;\n"),
  ).toEqual(['../src/procedures']);
  expect(await refusedImports('workflows/index.ts', "import { buildApp } from '../src/api/app';\nexport const p = buildApp;\n")).toEqual([
    '../src/api/app',
  ]);
});
