import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

// What a person gets from a PDF, read with poppler (Debian's poppler-utils), the same engine as
// many desktop viewers: the text they can read and the pages as they print.

const run = promisify(execFile);

async function withPdfFile<T>(pdf: Buffer, use: (path: string, dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'ordo-pdf-'));
  try {
    const path = join(dir, 'prescription.pdf');
    await writeFile(path, pdf);
    return await use(path, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The text of every page, whitespace runs collapsed to one space so wrapped lines still match. */
export function pdfText(pdf: Buffer): Promise<string> {
  return withPdfFile(pdf, async (path) => {
    const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', path, '-']);
    return stdout.replace(/\s+/g, ' ');
  });
}

/** The text of each page on its own. */
export function pdfPageTexts(pdf: Buffer): Promise<string[]> {
  return withPdfFile(pdf, async (path) => {
    const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', path, '-']);
    // pdftotext ends every page with a form feed.
    return stdout
      .split('\f')
      .slice(0, -1)
      .map((page) => page.replace(/\s+/g, ' '));
  });
}

/** Document information as pdfinfo prints it: Title, Pages, Page size… */
export function pdfInfo(pdf: Buffer): Promise<Record<string, string>> {
  return withPdfFile(pdf, async (path) => {
    const { stdout } = await run('pdfinfo', ['-enc', 'UTF-8', path]);
    return Object.fromEntries(
      stdout
        .split('\n')
        .filter((line) => line.includes(':'))
        .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
    );
  });
}

/** A rectangle of the page in millimetres from its top-left corner. */
export interface PageArea {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Every page rasterised as a PNG, in page order; only `area` of each page when given. */
export function pdfPagesAsPng(pdf: Buffer, dpi = 150, area?: PageArea): Promise<Buffer[]> {
  const pixels = (mm: number) => String(Math.round((mm / 25.4) * dpi));
  const crop = area ? ['-x', pixels(area.left), '-y', pixels(area.top), '-W', pixels(area.width), '-H', pixels(area.height)] : [];
  return withPdfFile(pdf, async (path, dir) => {
    await run('pdftoppm', ['-r', String(dpi), ...crop, '-png', path, join(dir, 'page')]);
    // pdftoppm pads page numbers to the width of the last one (page-1.png or page-01.png).
    const pages = (await readdir(dir)).filter((name) => name.endsWith('.png')).sort();
    return Promise.all(pages.map((name) => readFile(join(dir, name))));
  });
}
