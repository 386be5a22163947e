import { Injectable } from '@nestjs/common';
import { PrintablePrescription, renderPrescriptionPdf } from './prescription-pdf';
import { qrPng, qrSvg } from './qr-code';

/** What the prescribing API prints: the ordonnance as PDF and its QR code as SVG or PNG. */
@Injectable()
export class PrescriptionPrinter {
  pdf(printable: PrintablePrescription): Promise<Buffer> {
    return renderPrescriptionPdf(printable);
  }

  qrSvg(token: string): string {
    return qrSvg(token);
  }

  qrPng(token: string): Promise<Buffer> {
    return qrPng(token);
  }
}
