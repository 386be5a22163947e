import PDFDocument from 'pdfkit';
import { frenchLongDate } from './french-dates';
import { QrMatrix, QrRun, qrMatrix, qrRuns } from './qr-code';
import type { PrintableLine, PrintablePrescription } from './printable-prescription';
import {
  durationText,
  fractionText,
  lineCountText,
  patientBirth,
  patientName,
  placeAndDate,
  quantityText,
  renewalText,
} from './prescription-wording';
import { toWinAnsi } from './win-ansi';

export type { PrintableLine, PrintablePatient, PrintablePrescriber, PrintablePrescription } from './printable-prescription';

// An A4 ordonnance: prescriber top left, QR code top right, then the patient and the numbered
// lines. Lines never split across pages; every page repeats the ID, its number and the QR code,
// so a page that comes loose can still be scanned and put back in order. The QR code is drawn as
// vector squares: no bitmap to encode, and it stays sharp at any printer resolution.

const MM = 72 / 25.4;
const MARGIN = 15 * MM;
const QR_SIDE = 35 * MM;
const QR_COLUMN = 48 * MM;
const GUTTER = 6 * MM;
const LINE_INDENT = 9 * MM;
const BLOCK_GAP = 9;
const RULE_HEIGHT = 14;

const REGULAR = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const MUTED = '#555555';
const INK = '#000000';

interface TextStyle {
  font?: string;
  size?: number;
  width?: number;
  align?: 'left' | 'center' | 'right';
  color?: string;
}

/** The PDF of a prescription, ready to print. Deterministic: the same input gives the same bytes. */
export async function renderPrescriptionPdf(printable: PrintablePrescription): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    lang: 'fr-FR',
    displayTitle: true,
    info: {
      Title: `Ordonnance ${printable.displayId}`,
      Subject: printable.secure ? 'Ordonnance sécurisée' : 'Ordonnance',
      Author: printable.prescriber.name,
      Creator: 'Ordo',
      // The file ID is derived from the metadata, so fixing the dates fixes the bytes.
      CreationDate: printable.issuedAt,
      ModDate: printable.issuedAt,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  new OrdonnanceLayout(doc, printable).draw();
  doc.end();
  return finished;
}

class OrdonnanceLayout {
  private readonly matrix: QrMatrix;
  private readonly runs: QrRun[];
  private readonly left = MARGIN;
  private readonly right: number;
  private readonly bottom: number;
  private y = MARGIN;

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly rx: PrintablePrescription,
  ) {
    this.matrix = qrMatrix(rx.qrToken);
    this.runs = qrRuns(this.matrix);
    this.right = doc.page.width - MARGIN;
    this.bottom = doc.page.height - MARGIN;
  }

  draw(): void {
    this.firstPageHeader();
    for (const line of this.rx.lines) this.prescribedLine(line);
    this.closing();
    this.pageHeadings();
  }

  private get textWidth(): number {
    return this.right - this.left - QR_COLUMN - GUTTER;
  }

  private firstPageHeader(): void {
    const { prescriber } = this.rx;
    let y = this.write(prescriber.name, this.left, MARGIN, { font: BOLD, size: 12, width: this.textWidth });
    if (prescriber.specialty) y = this.write(prescriber.specialty, this.left, y, { width: this.textWidth });
    y = this.write(`RPPS ${prescriber.rpps}`, this.left, y + 2, { width: this.textWidth });
    for (const addressLine of prescriber.addressLines) y = this.write(addressLine, this.left, y, { width: this.textWidth });
    if (prescriber.phone) y = this.write(`Tél. ${prescriber.phone}`, this.left, y, { width: this.textWidth });
    this.y = Math.max(y, this.qrBlock()) + 12;

    if (this.rx.secure) {
      this.y = this.write('ORDONNANCE SÉCURISÉE', this.left, this.y, { font: BOLD, size: 15, align: 'center' }) + 8;
    }
    const fullWidth = this.right - this.left;
    this.y = this.write(placeAndDate(prescriber, this.rx.issuedAt), this.left, this.y, { width: fullWidth, align: 'right' });
    this.y = this.write(patientName(this.rx.patient), this.left, this.y + 6, { font: BOLD, size: 12 });
    this.y = this.write(patientBirth(this.rx.patient), this.left, this.y + 1);
    this.rule();
  }

  /** On the following pages: enough to tell which prescription, prescriber and patient. */
  private continuationHeader(): void {
    const { prescriber, patient } = this.rx;
    const kind = this.rx.secure ? 'Ordonnance sécurisée' : 'Ordonnance';
    let y = this.write(`${kind} du ${frenchLongDate(this.rx.issuedAt)} (suite)`, this.left, MARGIN, {
      font: BOLD,
      size: 11,
      width: this.textWidth,
    });
    y = this.write(`${prescriber.name} — RPPS ${prescriber.rpps}`, this.left, y + 4, { width: this.textWidth });
    y = this.write(`${patientName(patient)}, ${patientBirth(patient)}`, this.left, y + 2, { width: this.textWidth });
    this.y = Math.max(y, this.qrBlock()) + 12;
    this.rule();
  }

  /** The QR code in the top right corner, the ID under it; returns where the block ends. */
  private qrBlock(): number {
    const columnLeft = this.right - QR_COLUMN;
    const x = columnLeft + (QR_COLUMN - QR_SIDE) / 2;
    const module = QR_SIDE / this.matrix.size;
    for (const { row, column, length } of this.runs) {
      this.doc.rect(x + column * module, MARGIN + row * module, length * module, module);
    }
    this.doc.fill(INK);
    // Below the symbol's own quiet zone of four modules.
    const under = MARGIN + QR_SIDE + 4 * module;
    const style = { width: QR_COLUMN, align: 'center' } as const;
    const y = this.write(this.rx.displayId, columnLeft, under, { ...style, font: BOLD, size: 10 });
    return this.write('Ordonnance numérique — vérifiable en pharmacie', columnLeft, y + 1, {
      ...style,
      size: 7.5,
      color: MUTED,
    });
  }

  private prescribedLine(line: PrintableLine): void {
    const secure = this.rx.secure;
    const details: Array<[string, TextStyle]> = [];
    if (line.dosage.trim()) details.push([line.dosage, {}]);
    details.push([`${quantityText(line, secure)} — ${durationText(line, secure)}`, {}]);
    details.push([renewalText(line), {}]);
    if (line.substitutable === false) details.push(['Non substituable', { font: BOLD }]);
    const fraction = fractionText(line, secure);
    if (fraction) details.push([fraction, {}]);

    const x = this.left + LINE_INDENT;
    const width = this.right - x;
    const title: TextStyle = { font: BOLD, size: 11, width };
    const detail: TextStyle = { size: 10, width };
    const height =
      this.heightOf(line.label, title) + details.reduce((sum, [text, style]) => sum + 1 + this.heightOf(text, { ...detail, ...style }), 0);
    this.makeRoom(height);

    this.write(`${line.lineNo}.`, this.left, this.y, { font: BOLD, size: 11 });
    let y = this.write(line.label, x, this.y, title);
    for (const [text, style] of details) y = this.write(text, x, y + 1, { ...detail, ...style });
    this.y = y + BLOCK_GAP;
  }

  /** The number of lines (secure prescriptions), the validity and room to sign, kept together. */
  private closing(): void {
    const count = this.rx.secure ? lineCountText(this.rx.lines.length) : undefined;
    const validity = `À présenter en pharmacie au plus tard le ${frenchLongDate(this.rx.validUntil)}`;
    const countStyle: TextStyle = { font: BOLD, size: 11 };
    const validityStyle: TextStyle = { size: 9, color: MUTED };
    const signatureWidth = 70 * MM;
    const signatureHeight = 22 * MM;
    this.makeRoom(
      RULE_HEIGHT + (count ? this.heightOf(count, countStyle) + 4 : 0) + this.heightOf(validity, validityStyle) + 10 + signatureHeight,
    );

    this.rule();
    if (count) this.y = this.write(count, this.left, this.y, countStyle) + 4;
    this.y = this.write(validity, this.left, this.y, validityStyle) + 10;
    const boxLeft = this.right - signatureWidth;
    this.doc.lineWidth(0.5).rect(boxLeft, this.y, signatureWidth, signatureHeight).stroke(MUTED);
    this.write('Signature du prescripteur', boxLeft + 4, this.y + 4, { size: 8, color: MUTED });
    this.y += signatureHeight;
  }

  /** "Ordonnance 7K3M-… · page 1/2" above every page, once the number of pages is known. */
  private pageHeadings(): void {
    const { start, count } = this.doc.bufferedPageRange();
    for (let index = start; index < start + count; index++) {
      this.doc.switchToPage(index);
      const heading = `Ordonnance ${this.rx.displayId} · page ${index - start + 1}/${count}`;
      this.write(heading, this.left, MARGIN - 6 * MM, { size: 8, color: MUTED, width: this.textWidth });
    }
  }

  private makeRoom(height: number): void {
    if (this.y + height <= this.bottom) return;
    this.doc.addPage();
    this.continuationHeader();
  }

  private rule(): void {
    const y = this.y + RULE_HEIGHT / 2;
    this.doc.lineWidth(0.5).moveTo(this.left, y).lineTo(this.right, y).stroke(MUTED);
    this.y += RULE_HEIGHT;
  }

  /** Writes text at (x, y) and returns the y below it. */
  private write(text: string, x: number, y: number, style: TextStyle = {}): number {
    this.style(style);
    this.doc.text(toWinAnsi(text), x, y, { width: style.width ?? this.right - x, align: style.align ?? 'left' });
    return this.doc.y;
  }

  private heightOf(text: string, style: TextStyle): number {
    this.style(style);
    return this.doc.heightOfString(toWinAnsi(text), { width: style.width ?? this.right - this.left });
  }

  private style({ font = REGULAR, size = 10, color = INK }: TextStyle): void {
    this.doc.font(font).fontSize(size).fillColor(color);
  }
}
