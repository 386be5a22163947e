import fc from 'fast-check';
import { encodeWindows1252 } from './fixtures/windows-1252';
import { bdpmLines, cleanField, decodeBdpmBytes } from './text-decoding';

// Real line from CIS_bdpm.txt (CIS 62469549), with its CRLF ending.
const ACTISKENAN =
  '62469549\tACTISKENAN 1 mg, comprimé orodispersible\tcomprimé orodispersible\torale\tAutorisation active\t' +
  'Procédure décentralisée\tCommercialisée\t21/07/2021\t\t\t ETHYPHARM\tNon\r\n';

describe('decodeBdpmBytes', () => {
  it('reads a UTF-8 file as UTF-8', () => {
    const decoded = decodeBdpmBytes(Buffer.from(ACTISKENAN, 'utf8'));
    expect(decoded).toEqual({ text: ACTISKENAN, encoding: 'utf-8' });
  });

  it('falls back to Windows-1252 when the bytes are not valid UTF-8, as ANSM publishes them', () => {
    const bytes = encodeWindows1252(ACTISKENAN);
    expect(bytes.includes(0xe9)).toBe(true); // é as one byte
    expect(decodeBdpmBytes(bytes)).toEqual({ text: ACTISKENAN, encoding: 'windows-1252' });
  });

  it('decodes the Windows-1252 bytes that Latin-1 reads as control codes (’ € œ), which Node 20 gets wrong', () => {
    const bytes = Uint8Array.of(0x6c, 0x92, 0x65, 0x20, 0x80, 0x20, 0x63, 0x9c, 0x75, 0x72, 0x20, 0xe9);
    expect(decodeBdpmBytes(bytes)).toEqual({ text: 'l’e € cœur é', encoding: 'windows-1252' });
  });

  // Accented letters are bytes 0xC0–0xFF, UTF-8 lead bytes that need continuation bytes (0x80–0xBF)
  // after them; without ’ € œ (0x92, 0x80, 0x9C) none follows, so such text can never pass as UTF-8.
  // With them it can ("Ç’" is C7 92, a valid UTF-8 sequence): detection is a bet, one real files win.
  it('repairs the U+0092 that a mirror left where it decoded Windows-1252 as Latin-1', () => {
    // CIS_bdpm.txt of the shared copy, CIS 68437608, as stored (UTF-8 bytes C2 92)
    const stored = Buffer.from('68437608\tCARMIN D\u0092INDIGO PROVINGO 40 mg/5 mL, solution injectable', 'utf8');
    expect(decodeBdpmBytes(stored)).toEqual({
      text: '68437608\tCARMIN D’INDIGO PROVINGO 40 mg/5 mL, solution injectable',
      encoding: 'utf-8',
    });
  });

  it('round-trips accented French text written in Windows-1252', () => {
    const french = fc.string({ unit: fc.constantFrom(...'abcdeéèêàâçîïôöùûüÉÈÀÇ ;/,0123456789'), minLength: 1 });
    fc.assert(
      fc.property(french, (text) => {
        // eslint-disable-next-line no-control-regex -- control characters are what this looks for
        fc.pre(/[^\x00-\x7f]/.test(text));
        expect(decodeBdpmBytes(encodeWindows1252(text)).text).toBe(text);
      }),
    );
  });
});

describe('bdpmLines', () => {
  it('strips CRLF and the stray \\r\\r of CIS_CPD, skips blank lines, and keeps physical line numbers', () => {
    const text = 'a\tone\r\n66371262\ttwo\r\r\n\r\r\n\r\nb\tthree\n\nlast';
    expect([...bdpmLines(text)]).toEqual([
      { lineNo: 1, text: 'a\tone' },
      { lineNo: 2, text: '66371262\ttwo' },
      { lineNo: 5, text: 'b\tthree' },
      { lineNo: 7, text: 'last' },
    ]);
  });

  it('keeps a trailing empty column (CIS_CIP lines end with a tab)', () => {
    expect([...bdpmLines('x\t\t\n')]).toEqual([{ lineNo: 1, text: 'x\t\t' }]);
  });
});

describe('cleanField', () => {
  it('puts back the apostrophe that ANSM exports as ¿ and trims leading spaces of holders', () => {
    expect(cleanField('Asthme sévère de l¿enfant')).toBe('Asthme sévère de l’enfant');
    expect(cleanField(' ETHYPHARM')).toBe('ETHYPHARM');
  });
});
