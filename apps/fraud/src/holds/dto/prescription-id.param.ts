import { Matches } from 'class-validator';

export class PrescriptionIdParam {
  @Matches(/^[0-9A-HJKMNP-TV-Z]{16}[0-9]{2}$/, { message: 'prescriptionId must be a canonical prescription ID' })
  prescriptionId: string;
}
