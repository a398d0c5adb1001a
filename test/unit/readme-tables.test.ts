import fs from 'node:fs';
import path from 'node:path';
import { adoptionActionRoles } from '../../src/procedures/schema';
import { procedureRegistry } from '../../src/procedures/index';

/**
 * The README's tables of what each procedure declares are the registry's, checked here: who owes each duty, and which
 * roles may send each action type. `UPDATE_README=1 npx jest test/unit/readme-tables` writes them between their markers.
 */
const readmePath = path.resolve(__dirname, '../../README.md');
const markers = (name: string) => [
  `<!-- ${name}:begin (generated from the registry: UPDATE_README=1 npx jest test/unit/readme-tables) -->`,
  `<!-- ${name}:end -->`,
];
const table = (head: string[], rows: string[][]) => [head, head.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');

const tables: Record<string, () => string> = {
  duties: () =>
    table(
      ['procedure', 'duty', 'article', 'responsible', '义务'],
      procedureRegistry.flatMap((p) =>
        Object.values(p.duties as Record<string, { key: string; article: string; responsible: string; titleZh: string }>).map((d) => [
          `\`${p.name}\``,
          `\`${d.key}\``,
          d.article,
          d.responsible,
          d.titleZh,
        ]),
      ),
    ),
  'action-roles': () => {
    const roles = ['officer', 'station-leader', 'station-system'] as const;
    const row = (procedure: string, type: string, allowed: readonly string[]) => [
      procedure,
      `\`${type}\``,
      ...roles.map((r) => (allowed.includes(r) ? '✓' : '')),
    ];
    return table(
      ['procedure', 'action type', ...roles],
      [
        ...procedureRegistry.flatMap((p) =>
          Object.entries(p.actionRoles as Record<string, readonly string[]>).map(([type, allowed]) => row(`\`${p.name}\``, type, allowed)),
        ),
        ...Object.entries(adoptionActionRoles).map(([type, allowed]) => row('every procedure', type, allowed)),
      ],
    );
  },
};

const normal = (text: string) => text.replace(/ +/g, ' ').replace(/-{3,}/g, '---');

test.each(Object.keys(tables))('the README’s %s table is the registry’s', (name) => {
  const [begin, end] = markers(name);
  const section = `${begin}\n\n${tables[name]()}\n\n${end}`;
  let readme = fs.readFileSync(readmePath, 'utf8');
  if (process.env.UPDATE_README === '1') {
    readme = readme.replace(new RegExp(`${escape(begin)}[\\s\\S]*?${escape(end)}`), section);
    fs.writeFileSync(readmePath, readme);
  }
  expect(readme.includes(begin) && readme.includes(end)).toBe(true);
  expect(normal(readme.slice(readme.indexOf(begin), readme.indexOf(end) + end.length))).toBe(normal(section));
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('the README’s adoption facts are each procedure’s start schema’s, no more and no fewer', () => {
  const readme = fs.readFileSync(readmePath, 'utf8');
  for (const p of procedureRegistry) {
    const adoption = (p.start as unknown as { shape: { adoption: { unwrap(): { shape: { facts?: { unwrap(): { shape: object } } } } } } }).shape
      .adoption;
    const facts = Object.keys(adoption.unwrap().shape.facts?.unwrap().shape ?? {}).sort();
    const row = new RegExp(`^\\| \`${p.name}\` +\\| (.*)\\|$`, 'm').exec(readme.slice(readme.indexOf('| procedure              | facts')))?.[1] ?? '';
    const listed = [...row.matchAll(/`(\w+)`/g)].map((m) => m[1]).sort();
    expect({ procedure: p.name, facts: listed }).toEqual({ procedure: p.name, facts });
    if (!facts.length) expect(row).toMatch(/^none/);
  }
});
