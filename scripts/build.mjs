// Compiles apps/, libs/ and tools/ to dist/ with SWC (decorator metadata kept), rewriting the
// @ordo/* path aliases to relative requires so `node dist/apps/<app>/src/main.js` runs as is.
// Type checking is separate: `npm run typecheck`.
import { transformFile } from '@swc/core';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// ORDO_BUILD_DIR lets a test run build beside another one without removing its files.
const out = resolve(root, process.env.ORDO_BUILD_DIR ?? 'dist');
const { compilerOptions } = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(join(root, 'tsconfig.base.json'), 'utf8')));

async function* sources(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}

const files = [];
for (const top of ['apps', 'libs', 'tools', 'bench']) {
  if (!existsSync(join(root, top))) continue;
  for await (const file of sources(join(root, top))) files.push(file);
}

await rm(out, { recursive: true, force: true });
let done = 0;
const started = Date.now();
const concurrency = 16;
async function worker() {
  while (files.length > 0) {
    const file = files.pop();
    const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
    const paths = Object.fromEntries(
      Object.entries(compilerOptions.paths).map(([alias, [path]]) => [alias, [join(root, path, 'index.ts')]]),
    );
    const { code, map } = await transformFile(file, {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
        keepClassNames: true,
        baseUrl: root,
        paths,
      },
      module: { type: 'commonjs' },
      sourceMaps: true,
      sourceFileName: relative(dirname(target), file),
    });
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
    await writeFile(`${target}.map`, map);
    done++;
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
// Files served as they are (the ops dashboard) go beside the compiled code.
await cp(join(root, 'apps/ops/src/dashboard/public'), join(out, 'apps/ops/src/dashboard/public'), { recursive: true });
console.log(`built ${done} files into dist/ in ${Date.now() - started} ms`);
