/**
 * The patches in force: every `patched()` and `deprecatePatch()` in the code the workflow bundle takes is listed in the
 * README's "Changing workflow code", and nothing is listed that the code no longer has, so a release knows which
 * patches to deprecate and which to delete.
 */
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? sources(file) : file.endsWith('.ts') ? [file] : [];
  });
}

test('the patches in the workflow code are the ones the README lists as in force', () => {
  const inCode = ['workflows', 'src/case', 'src/procedures']
    .flatMap(sources)
    .flatMap((file) => [...fs.readFileSync(path.join(root, file), 'utf8').matchAll(/\b(patched|deprecatePatch)\(\s*'([^']+)'/g)])
    .map((m) => `${m[1]}:${m[2]}`)
    .sort();
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const line = /^Patches in force: (.*)$/m.exec(readme);
  expect(line).not.toBeNull();
  const listed = line![1] === 'none.' ? [] : [...line![1].matchAll(/`(patched|deprecatePatch):([^`]+)`/g)].map((m) => `${m[1]}:${m[2]}`).sort();
  expect(inCode).toEqual(listed);
});
