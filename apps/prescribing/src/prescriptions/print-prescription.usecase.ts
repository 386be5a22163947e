import { Injectable } from '@nestjs/common';
import { QrTokenSigner } from '@ordo/rx-id';
import { formatPrescriptionId } from '@ordo/rx-id';
import { PrescriptionPrinter } from '../printing/prescription-printer';
import { PrintablePrescription } from '../printing/printable-prescription';
import { Prescription } from './prescription.entity';

/** The paper ordonnance and its QR code: a signed token of the ID, never the content. */
@Injectable()
export class PrintPrescription {
  constructor(
    private readonly signer: QrTokenSigner,
    private readonly printer: PrescriptionPrinter,
  ) {}

  qrToken(prescription: Prescription): string {
    return this.signer.sign(prescription.id);
  }

  qrSvg(prescription: Prescription): string {
    return this.printer.qrSvg(this.qrToken(prescription));
  }

  qrPng(prescription: Prescription): Promise<Buffer> {
    return this.printer.qrPng(this.qrToken(prescription));
  }

  pdf(prescription: Prescription): Promise<Buffer> {
    return this.printer.pdf(this.printable(prescription));
  }

  private printable(prescription: Prescription): PrintablePrescription {
    const { prescriber, patient } = prescription;
    return {
      id: prescription.id,
      displayId: formatPrescriptionId(prescription.id),
      qrToken: this.qrToken(prescription),
      issuedAt: prescription.issuedAt,
      validUntil: prescription.validUntil,
      secure: prescription.secure,
      prescriber: {
        name: prescriber.name,
        rpps: prescription.prescriberRpps,
        specialty: prescriber.specialty,
        addressLines: [...prescriber.address.lines, `${prescriber.address.postalCode} ${prescriber.address.city}`],
        phone: prescriber.phone,
      },
      patient: { firstName: patient.firstName, lastName: patient.lastName, birthDate: patient.birthDate, sex: patient.sex },
      lines: prescription.lines,
    };
  }
}
