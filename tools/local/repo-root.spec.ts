import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultBdpmFolder, describeBdpmSource, repoRoot, resolveBdpmSource } from './repo-root';

describe('which BDPM folder is read when none is named', () => {
  // A clone at <workspace>/main, with or without the shared copy at <workspace>/shared/data/bdpm.
  let workspace: string;
  let clone: string;
  let shared: string;

  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'ordo-bdpm-source-'));
    clone = join(workspace, 'main');
    shared = join(workspace, 'shared', 'data', 'bdpm');
    mkdirSync(clone);
    writeFileSync(join(clone, 'nest-cli.json'), '{}');
  });

  afterEach(() => rmSync(workspace, { recursive: true, force: true }));

  const withSharedCopy = () => {
    mkdirSync(shared, { recursive: true });
    writeFileSync(join(shared, 'CIS_bdpm.txt'), '');
  };

  it('reads BDPM_DIR when it is set, even with the shared copy present', () => {
    withSharedCopy();
    const named = join(workspace, 'elsewhere');
    expect(resolveBdpmSource({ BDPM_DIR: named }, clone)).toEqual({ folder: named, origin: 'BDPM_DIR' });
  });

  it('reads the full copy beside the repository when it holds the files', () => {
    withSharedCopy();
    expect(resolveBdpmSource({}, clone)).toEqual({ folder: join(clone, '..', 'shared', 'data', 'bdpm'), origin: 'shared' });
  });

  it('reads the bundled subset of a lone clone', () => {
    expect(resolveBdpmSource({}, clone)).toEqual({ folder: join(clone, 'data', 'bdpm'), origin: 'bundled' });
  });

  it('reads the bundled subset when ../shared/data/bdpm is there but empty', () => {
    mkdirSync(shared, { recursive: true });
    expect(resolveBdpmSource({}, clone).origin).toBe('bundled');
  });

  it('takes an empty BDPM_DIR as unset', () => {
    expect(resolveBdpmSource({ BDPM_DIR: '' }, clone).origin).toBe('bundled');
  });

  it('gives the same folder through defaultBdpmFolder, which its older callers use', () => {
    expect(defaultBdpmFolder({ BDPM_DIR: '/srv/bdpm' })).toBe('/srv/bdpm');
  });

  it('names the set in the logs, with the subset size and date the manifest gives', () => {
    const bundled = describeBdpmSource({ folder: join(repoRoot(), 'data', 'bdpm'), origin: 'bundled' });
    expect(bundled).toMatch(/^the bundled BDPM subset \(.*data\/bdpm: a subset of [\d,]+ medicines, data of \p{L}+ \d{4}\)/u);
    expect(describeBdpmSource({ folder: shared, origin: 'shared' })).toBe(`the full BDPM copy shared beside the repository (${shared})`);
    expect(describeBdpmSource({ folder: '/srv/bdpm', origin: 'BDPM_DIR' })).toBe('BDPM_DIR (/srv/bdpm)');
  });
});
