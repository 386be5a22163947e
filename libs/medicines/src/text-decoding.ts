export type BdpmEncoding = 'utf-8' | 'windows-1252';

export interface DecodedText {
  text: string;
  encoding: BdpmEncoding;
}

export interface NumberedLine {
  /** Physical line number in the file, from 1, counting blank and `\r\r` lines. */
  lineNo: number;
  text: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const windows1252 = new TextDecoder('windows-1252');

/**
 * What Windows-1252 puts at 0x80–0x9F, where ISO-8859-1 has C1 control codes. Decoding
 * Windows-1252 as ISO-8859-1 turns ’ into U+0092 and € into U+0080, and two decoders do just that:
 * Node 20's TextDecoder('windows-1252') (seen on v20.20.2), and whatever made the UTF-8 mirror
 * copies (the January 2026 copy holds 210 U+0092, e.g. `CARMIN D\u0092INDIGO`, `recueil de
 * l\u0092accord`). C1 controls have no business in BDPM text, so they are mapped back in every
 * file, whatever its encoding. The five bytes Windows-1252 leaves undefined keep their code point.
 */
export const WINDOWS_1252_HIGH: Readonly<Record<number, string>> = {
  0x80: '\u20ac',
  0x82: '\u201a',
  0x83: '\u0192',
  0x84: '\u201e',
  0x85: '\u2026',
  0x86: '\u2020',
  0x87: '\u2021',
  0x88: '\u02c6',
  0x89: '\u2030',
  0x8a: '\u0160',
  0x8b: '\u2039',
  0x8c: '\u0152',
  0x8e: '\u017d',
  0x91: '\u2018',
  0x92: '\u2019',
  0x93: '\u201c',
  0x94: '\u201d',
  0x95: '\u2022',
  0x96: '\u2013',
  0x97: '\u2014',
  0x98: '\u02dc',
  0x99: '\u2122',
  0x9a: '\u0161',
  0x9b: '\u203a',
  0x9c: '\u0153',
  0x9e: '\u017e',
  0x9f: '\u0178',
};

export function repairC1(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (c1) => WINDOWS_1252_HIGH[c1.charCodeAt(0)] ?? c1);
}

/**
 * ANSM publishes CIS_bdpm, CIS_CPD and CIS_COMPO in Windows-1252 and CIS_CIP in UTF-8, and mirrors
 * re-save them in UTF-8, so the encoding cannot be assumed per file. Accented French in
 * Windows-1252 is almost never valid UTF-8 (a lone 0xE9 is not a UTF-8 sequence), so "strict UTF-8
 * or else Windows-1252" tells them apart without a header.
 */
export function decodeBdpmBytes(bytes: Uint8Array): DecodedText {
  let decoded: DecodedText;
  try {
    decoded = { text: strictUtf8.decode(bytes), encoding: 'utf-8' };
  } catch {
    decoded = { text: windows1252.decode(bytes), encoding: 'windows-1252' };
  }
  return { ...decoded, text: repairC1(decoded.text) };
}

/**
 * The non-blank lines of a file. Lines are cut at `\n` only; every trailing `\r` is stripped
 * because CIS_CPD has data lines ending in `\r\r\n` followed by lines holding only `\r\r`.
 */
export function* bdpmLines(text: string): Generator<NumberedLine> {
  let lineNo = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    lineNo++;
    let stop = end;
    while (stop > start && text.charCodeAt(stop - 1) === 13) stop--;
    const line = text.slice(start, stop);
    if (line.trim() !== '') yield { lineNo, text: line };
    start = end + 1;
  }
}

/**
 * A field as the reader should see it: trimmed (holders and some forms begin with a space), and
 * with `¿` put back as the typographic apostrophe it stands for. ANSM's export turns ’ into `¿`
 * (e.g. `l¿enfant`); no French field legitimately holds an inverted question mark.
 */
export function cleanField(raw: string): string {
  return raw.replace(/\u00bf/g, '\u2019').trim();
}
