import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withSettingsTable } from './settings-table';

describe('the README configuration table', () => {
  it('is the one the settings definitions make (run `npm run docs:settings` after changing a setting)', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(readme).toBe(withSettingsTable(readme));
  });
});
