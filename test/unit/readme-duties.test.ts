import fs from 'node:fs';
import path from 'node:path';
import { procedureRegistry } from '../../src/procedures/index';

/**
 * The README's table of who owes each duty is the registry's, checked here; `UPDATE_README=1` writes it between its
 * markers.
 */
const readmePath = path.resolve(__dirname, '../../README.md');
const begin = '<!-- duties:begin (generated from the registry: UPDATE_README=1 npx jest test/unit/readme-duties) -->';
const end = '<!-- duties:end -->';

function dutyTable(): string {
  const rows = procedureRegistry.flatMap((p) =>
    Object.values(p.duties as Record<string, { key: string; article: string; responsible: string; titleZh: string }>).map(
      (d) => `| \`${p.name}\` | \`${d.key}\` | ${d.article} | ${d.responsible} | ${d.titleZh} |`,
    ),
  );
  return ['| procedure | duty | article | responsible | 义务 |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

test('the README lists every duty of every procedure with the party the regulation holds responsible', () => {
  const readme = fs.readFileSync(readmePath, 'utf8');
  const section = `${begin}\n\n${dutyTable()}\n\n${end}`;
  if (process.env.UPDATE_README === '1') {
    fs.writeFileSync(readmePath, readme.replace(new RegExp(`${escape(begin)}[\\s\\S]*?${escape(end)}`), section));
  }
  const now = fs.readFileSync(readmePath, 'utf8');
  const found = now.slice(now.indexOf(begin), now.indexOf(end) + end.length);
  expect(found.replace(/ +/g, ' ').replace(/-{3,}/g, '---')).toBe(section.replace(/ +/g, ' '));
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
