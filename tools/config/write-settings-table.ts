// `npm run docs:settings`: writes the README's configuration table from the settings definitions.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../local/repo-root';
import { withSettingsTable } from './settings-table';

const readme = join(repoRoot(), 'README.md');
const before = readFileSync(readme, 'utf8');
const after = withSettingsTable(before);
writeFileSync(readme, after);
process.stdout.write(before === after ? 'README settings table already current\n' : 'README settings table rewritten\n');
