// pdfkit's built-in Helvetica is not embedded: its text is written in WinAnsiEncoding
// (Windows-1252), which covers French (é è à ç œ « » ’ — €) but nothing else. pdfkit writes any
// other character as a broken code, so names and labels pass through here first: accented
// letters from elsewhere lose their accent (Łukasz → Lukasz, Ștefan → Stefan), typographic
// spaces and dashes become their plain forms, and anything left becomes "?".

// Code points above Latin-1 that Windows-1252 places in 0x80–0x9F.
const WIN_ANSI_EXTRAS = new Set([
  0x152, 0x153, 0x160, 0x161, 0x178, 0x17d, 0x17e, 0x192, 0x2c6, 0x2dc, 0x2013, 0x2014, 0x2018, 0x2019, 0x201a, 0x201c, 0x201d, 0x201e,
  0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203a, 0x20ac, 0x2122,
]);

// Characters that do not decompose into a WinAnsi letter plus accents.
const LOOKALIKES: Record<string, string> = {
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  Ħ: 'H',
  ħ: 'h',
  ı: 'i',
  Ŀ: 'L',
  ŀ: 'l',
  Ŋ: 'N',
  ŋ: 'n',
  Ŧ: 'T',
  ŧ: 't',
  ĸ: 'k',
  ſ: 's',
  Ĳ: 'IJ',
  ĳ: 'ij',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2212': '-',
  '\u2015': '—',
  '\u2032': '’',
  '\u02bc': '’',
  '\u2033': '"',
  '\u2264': '<=',
  '\u2265': '>=',
  '\u2248': '~',
  '\u2190': '<-',
  '\u2192': '->',
};

function isWinAnsi(codePoint: number): boolean {
  return (
    (codePoint >= 0x20 && codePoint <= 0x7e) ||
    (codePoint >= 0xa0 && codePoint <= 0xff) ||
    codePoint === 0x0a ||
    WIN_ANSI_EXTRAS.has(codePoint)
  );
}

/** The text with every character Helvetica can show in a PDF, the rest replaced. */
export function toWinAnsi(text: string): string {
  let out = '';
  for (const char of text.normalize('NFC')) {
    const codePoint = char.codePointAt(0)!;
    if (isWinAnsi(codePoint)) out += char;
    else out += replacement(char, codePoint);
  }
  return out;
}

function replacement(char: string, codePoint: number): string {
  if (char in LOOKALIKES) return LOOKALIKES[char];
  if (char === '\t' || char === '\r') return ' ';
  // The narrow no-break space French typography puts before : ; ! ? must not break either.
  if (codePoint === 0x202f || codePoint === 0x2007) return '\u00a0';
  if (/[\u200b-\u200d\u2060\ufeff]/u.test(char)) return '';
  if (/\s/u.test(char)) return ' ';
  const stripped = char.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC');
  if (stripped !== char && [...stripped].every((c) => isWinAnsi(c.codePointAt(0)!))) return stripped;
  return '?';
}
