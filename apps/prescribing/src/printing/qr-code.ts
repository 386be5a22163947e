import { create, toBuffer } from 'qrcode';

// The QR code of a prescription carries its signed token (ORDO1…, at most 144 characters). Level
// M restores 15 % of damaged modules, enough for a creased or smudged sheet while keeping the
// symbol small (version 7 or 8, 45–49 modules); the quiet zone of 4 modules is what the standard
// asks of scanners.

export const QR_ERROR_CORRECTION = 'M';
export const QR_QUIET_ZONE = 4;
/** Pixels per module of the PNG: 456 px across for a 49-module code, sharp on any screen. */
const PNG_SCALE = 8;
// Every row of modules is repeated PNG_SCALE times, so the PNG "Up" filter alone turns seven pixel
// rows in eight into zeros. pngjs by default tries all five filters on every row: a 4 KB file
// instead of 11 KB, but 2.5 times the encoding time, and the endpoint is paid in CPU, not bytes.
// qrcode hands rendererOpts to pngjs untouched; its typings list only the deflate options.
const PNG_ENCODING = { deflateLevel: 9, filterType: 2 };

/** The symbol's modules, without the quiet zone; (0, 0) is the top-left corner. */
export interface QrMatrix {
  size: number;
  isDark(row: number, column: number): boolean;
}

/** A horizontal stretch of dark modules: drawing runs instead of modules shrinks the output. */
export interface QrRun {
  row: number;
  column: number;
  length: number;
}

/**
 * The token is base64url text, which QR encodes in byte mode whatever the optimiser decides, and
 * every mask is decodable: giving both skips the segment search and the mask scoring, which were
 * most of the cost of a printed ordonnance.
 */
const FIXED_MASK = 0;

export function qrMatrix(token: string): QrMatrix {
  const { modules } = create([{ data: Buffer.from(token, 'latin1'), mode: 'byte' }], {
    errorCorrectionLevel: QR_ERROR_CORRECTION,
    maskPattern: FIXED_MASK,
  });
  return { size: modules.size, isDark: (row, column) => Boolean(modules.get(row, column)) };
}

export function qrRuns(matrix: QrMatrix): QrRun[] {
  const runs: QrRun[] = [];
  for (let row = 0; row < matrix.size; row++) {
    let column = 0;
    while (column < matrix.size) {
      if (!matrix.isDark(row, column)) {
        column++;
        continue;
      }
      const start = column;
      while (column < matrix.size && matrix.isDark(row, column)) column++;
      runs.push({ row, column: start, length: column - start });
    }
  }
  return runs;
}

/**
 * The QR code as a standalone SVG document, quiet zone included, sized by its viewBox in
 * modules so that the page embedding it chooses the size.
 */
export function qrSvg(token: string): string {
  const matrix = qrMatrix(token);
  const side = matrix.size + 2 * QR_QUIET_ZONE;
  const path = qrRuns(matrix)
    .map(({ row, column, length }) => `M${column + QR_QUIET_ZONE} ${row + QR_QUIET_ZONE}h${length}v1h-${length}z`)
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}" shape-rendering="crispEdges">` +
    `<rect width="${side}" height="${side}" fill="#fff"/><path fill="#000" d="${path}"/></svg>`
  );
}

/** The QR code as a PNG, quiet zone included, for screens and software that want a bitmap. */
export function qrPng(token: string): Promise<Buffer> {
  return toBuffer(token, {
    type: 'png',
    errorCorrectionLevel: QR_ERROR_CORRECTION,
    margin: QR_QUIET_ZONE,
    scale: PNG_SCALE,
    // qrcode writes the image size into the object it is given, so each call gets its own.
    rendererOpts: { ...PNG_ENCODING },
  });
}
