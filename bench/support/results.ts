import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Adds a run's section to the day's results file: a new file starts with `intro`; in an existing one
 * the section goes before the hand-written findings (`## Findings`), if there are any, else at the end.
 */
export function addResultsSection(file: string, intro: string, section: string): void {
  if (!existsSync(file)) {
    writeFileSync(file, intro ? `${intro}\n${section}` : section);
    return;
  }
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf('\n## Findings');
  writeFileSync(file, at >= 0 ? `${text.slice(0, at + 1)}${section}\n${text.slice(at + 1)}` : `${text}\n${section}`);
}
