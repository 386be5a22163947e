// A BDPM file's lines as bytes, so a subset can copy them untouched: same encoding (UTF-8 or
// Windows-1252), same line endings (CRLF, LF, and CIS_CPD's `\r\r\n`), same quirks.

const NEWLINE = 0x0a;
const TAB = 0x09;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** A data line, its terminator included, and the blank lines that follow it. */
export interface BdpmFileLine {
  cis: string;
  bytes: Buffer;
}

export interface BdpmFileLines {
  /** A byte-order mark belongs to the file, not to its first line. */
  bom: Buffer;
  lines: BdpmFileLine[];
  /** Non-blank lines whose first column is no CIS: the importer reports them, a subset leaves them out. */
  withoutCis: number;
}

/**
 * Cuts at `\n` only, as the parser does. A blank line (CIS_CPD has lines holding only `\r\r`
 * after two `\r\r\n` lines) stays with the data line before it, so a subset that keeps the one
 * keeps the other, and its file reads exactly as the original does at that place.
 */
export function splitBdpmFile(content: Buffer): BdpmFileLines {
  const bom = content.subarray(0, 3).equals(UTF8_BOM) ? UTF8_BOM : Buffer.alloc(0);
  const lines: BdpmFileLine[] = [];
  let withoutCis = 0;
  let start = bom.length;
  while (start < content.length) {
    const newline = content.indexOf(NEWLINE, start);
    const end = newline === -1 ? content.length : newline + 1;
    const bytes = content.subarray(start, end);
    start = end;
    const text = bytes.toString('latin1');
    if (text.trim() === '') {
      const previous = lines.at(-1);
      if (previous) previous.bytes = Buffer.concat([previous.bytes, bytes]);
      continue;
    }
    const tab = bytes.indexOf(TAB);
    const cis = (tab === -1 ? '' : text.slice(0, tab)).trim();
    if (/^\d{8}$/.test(cis)) lines.push({ cis, bytes });
    else withoutCis++;
  }
  return { bom, lines, withoutCis };
}

/**
 * The file with only the lines of the kept CIS, in their original order. A source whose last line
 * has no newline puts it last here too, so no two lines can run together.
 */
export function keepLinesOf(content: Buffer, kept: ReadonlySet<string>): { content: Buffer; withoutCis: number } {
  const { bom, lines, withoutCis } = splitBdpmFile(content);
  const parts = lines.filter((line) => kept.has(line.cis)).map((line) => line.bytes);
  return { content: Buffer.concat([bom, ...parts]), withoutCis };
}
