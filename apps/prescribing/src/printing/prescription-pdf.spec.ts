import { KeyRing, QrTokenSigner, QrTokenVerifier, formatPrescriptionId, generatePrescriptionId, generateSigningKey } from '@ordo/rx-id';
import { pdfInfo, pdfPageTexts, pdfPagesAsPng, pdfText } from '../../../../test/printing/poppler';
import { scanQr } from '../../../../test/printing/qr-scan';
import { PrintableLine, PrintablePrescription, renderPrescriptionPdf } from './prescription-pdf';

// Each test reads the PDF the way a person does: poppler prints its text and rasterises its pages
// at 150 dpi, and jsQR scans the page as a pharmacy's camera would. Those are other processes and
// threads, which a busy machine can slow to several seconds.
jest.setTimeout(30_000);

/** Where a pharmacist points the scanner: the top right corner of an A4 page. */
const QR_CORNER = { left: 210 - 70, top: 0, width: 70, height: 70 };

const ring = KeyRing.fromConfig({ activeKid: '2026-11', keys: [generateSigningKey('2026-11')] });
const signer = new QrTokenSigner(ring);
const pharmacy = new QrTokenVerifier(KeyRing.fromConfig({ keys: ring.publicKeys() }));

function prescription(overrides: Partial<PrintablePrescription> = {}): PrintablePrescription {
  const id = generatePrescriptionId();
  return {
    id,
    displayId: formatPrescriptionId(id),
    qrToken: signer.sign(id),
    issuedAt: new Date('2026-11-22T09:30:00Z'),
    validUntil: new Date('2027-02-22T09:30:00Z'),
    secure: false,
    prescriber: {
      name: 'Dr Jeanne Martin-Lefèvre',
      rpps: '10001234567',
      specialty: 'Médecine générale',
      addressLines: ['12 rue de l’Œillet', '75011 Paris'],
      phone: '01 23 45 67 89',
    },
    patient: { firstName: 'Zoé', lastName: 'Dupont-Bœuf', birthDate: '1958-04-03', sex: 'F' },
    lines: [
      {
        lineNo: 1,
        label: 'PARACÉTAMOL 1 g, comprimé',
        dosage: '1 comprimé toutes les 6 heures, à espacer d’au moins 4 heures',
        quantity: 24,
        unit: 'comprimé',
        durationDays: 8,
        renewals: 2,
      },
      {
        lineNo: 2,
        label: 'AMOXICILLINE 1 g, comprimé dispersible',
        dosage: '1 comprimé matin et soir',
        quantity: 12,
        unit: 'comprimé',
        durationDays: 6,
        renewals: 0,
        substitutable: false,
      },
    ],
    ...overrides,
  };
}

const narcotic: PrintableLine = {
  lineNo: 1,
  label: 'SKENAN LP 10 mg, gélule',
  dosage: '1 gélule matin et soir',
  quantity: 28,
  unit: 'gélule',
  durationDays: 14,
  renewals: 0,
  fractionDays: 7,
};
const tramadol: PrintableLine = {
  lineNo: 2,
  label: 'TRAMADOL ARROW 50 mg, gélule',
  dosage: '1 gélule si douleur, 4 par jour au plus',
  quantity: 20,
  unit: 'gélule',
  durationDays: 5,
  renewals: 0,
};

describe('the printed ordonnance', () => {
  it('carries a QR code that a pharmacy scans to the genuine signed token', async () => {
    const rx = prescription();
    const [firstPage] = await pdfPagesAsPng(await renderPrescriptionPdf(rx), 150);

    const scanned = await scanQr(firstPage);

    expect(scanned).toBe(rx.qrToken);
    expect(pharmacy.verify(scanned)).toEqual({ outcome: 'genuine', id: rx.id, kid: '2026-11' });
  });

  it('shows the prescriber, the patient, the date, the ID and every line as written', async () => {
    const rx = prescription();
    const text = await pdfText(await renderPrescriptionPdf(rx));

    for (const shown of [
      'Dr Jeanne Martin-Lefèvre',
      'Médecine générale',
      'RPPS 10001234567',
      '12 rue de l’Œillet',
      'Mme Zoé DUPONT-BŒUF',
      'née le 03/04/1958',
      'Paris, le 22 novembre 2026',
      rx.displayId,
      'Ordonnance numérique — vérifiable en pharmacie',
    ]) {
      expect(text).toContain(shown);
    }
    for (const line of rx.lines) {
      expect(text).toContain(`${line.lineNo}. ${line.label}`);
      expect(text).toContain(line.dosage);
    }
    expect(text).toContain('Quantité : 24 comprimés — pendant 8 jours');
    expect(text).toContain('À renouveler 2 fois');
    expect(text).toContain('Quantité : 12 comprimés — pendant 6 jours Non renouvelable Non substituable');
    expect(text).not.toContain('SÉCURISÉE');
    expect(text).not.toContain('Nombre de lignes');
  });

  it('writes a secure prescription’s quantities and its number of lines in words', async () => {
    const rx = prescription({ secure: true, lines: [narcotic, tramadol] });
    const text = await pdfText(await renderPrescriptionPdf(rx));

    expect(text).toContain('ORDONNANCE SÉCURISÉE');
    expect(text).toContain('Quantité : vingt-huit (28) gélules — pendant quatorze (14) jours');
    expect(text).toContain('Délivrance fractionnée par périodes de sept (7) jours');
    expect(text).toContain('Quantité : vingt (20) gélules — pendant cinq (5) jours');
    expect(text).toContain('Nombre de lignes prescrites : deux (2)');
  });

  it('is titled with the display ID and dated by the prescription, byte for byte the same each time', async () => {
    const rx = prescription();
    const pdf = await renderPrescriptionPdf(rx);
    const info = await pdfInfo(pdf);

    expect(info.Title).toBe(`Ordonnance ${rx.displayId}`);
    expect(info.Pages).toBe('1');
    expect(info['Page size']).toContain('(A4)');
    expect(new Date(info.CreationDate).toISOString()).toBe('2026-11-22T09:30:00.000Z');
    expect((await renderPrescriptionPdf(rx)).equals(pdf)).toBe(true);
  });

  it('prints what the built-in fonts lack as the nearest letters they have', async () => {
    const rx = prescription({ patient: { firstName: 'Łukasz', lastName: 'Wąsowski', birthDate: '1990-01-31', sex: 'M' } });
    const text = await pdfText(await renderPrescriptionPdf(rx));

    expect(text).toContain('M. Lukasz WASOWSKI');
    expect(text).toContain('né le 31/01/1990');
  });

  it('spreads 25 lines over several numbered pages, each with the QR code, never splitting a line', async () => {
    const lines: PrintableLine[] = Array.from({ length: 25 }, (_, index) => ({
      lineNo: index + 1,
      label: `SPÉCIALITÉ ${String.fromCharCode(65 + index)}${index + 1} 10 mg, comprimé`,
      dosage: `${index + 1} comprimé(s) le matin`,
      quantity: 30 + index,
      unit: 'comprimé',
      durationDays: 30,
      renewals: 1,
    }));
    const rx = prescription({ secure: true, lines });
    const pdf = await renderPrescriptionPdf(rx);
    const pages = await pdfPageTexts(pdf);

    expect(pages.length).toBeGreaterThan(1);
    expect((await pdfInfo(pdf)).Pages).toBe(String(pages.length));
    pages.forEach((page, index) => {
      expect(page).toContain(`Ordonnance ${rx.displayId} · page ${index + 1}/${pages.length}`);
    });
    for (const line of lines) {
      const page = pages.find((text) => text.includes(`${line.lineNo}. ${line.label}`));
      expect(page).toBeDefined();
      expect(page).toContain(`${line.dosage} Quantité : `);
      expect(page).toContain(`(${line.quantity}) comprimés — pendant trente (30) jours`);
    }
    expect(pages.at(-1)).toContain('Nombre de lignes prescrites : vingt-cinq (25)');
    const scans = await Promise.all((await pdfPagesAsPng(pdf, 150, QR_CORNER)).map(scanQr));
    expect(scans).toEqual(pages.map(() => rx.qrToken));
  });
});
