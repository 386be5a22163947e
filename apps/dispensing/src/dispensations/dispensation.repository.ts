import { Injectable } from '@nestjs/common';
import { Sql, statement } from '@ordo/database';
import { Dispensation } from './dispensation.entity';

const COLUMNS = 'id, prescription_id, claim_id, pharmacy_finess, pharmacist_rpps, lines, dispensed_at';

interface DispensationRow {
  id: string;
  prescription_id: string;
  claim_id: string | null;
  pharmacy_finess: string;
  pharmacist_rpps: string;
  lines: Dispensation['lines'];
  dispensed_at: Date;
}

const PAGE_FOR_PHARMACY = statement(
  'dispensation_page_for_pharmacy',
  `SELECT ${COLUMNS} FROM dispensation WHERE pharmacy_finess = $1 ORDER BY dispensed_at DESC, id DESC LIMIT $2 OFFSET $3`,
);
const FIND_FOR_PHARMACY = statement(
  'dispensation_find_for_pharmacy',
  `SELECT ${COLUMNS} FROM dispensation WHERE id = $1 AND pharmacy_finess = $2`,
);
const OF_PRESCRIPTION_FOR_PHARMACY = statement(
  'dispensation_of_prescription_for_pharmacy',
  `SELECT ${COLUMNS} FROM dispensation WHERE prescription_id = $1 AND pharmacy_finess = $2 ORDER BY dispensed_at, id`,
);

/** What pharmacies handed over. Dispensations are written with their claim (`ClaimRepository.dispense`). */
@Injectable()
export class DispensationRepository {
  constructor(private readonly sql: Sql) {}

  /** A pharmacy's own dispensations, newest first. */
  async pageForPharmacy(finess: string, page: { limit: number; offset: number }): Promise<Dispensation[]> {
    const rows = await this.sql.query<DispensationRow>(PAGE_FOR_PHARMACY, [finess, page.limit, page.offset]);
    return rows.map(toDispensation);
  }

  /** One dispensation if `finess` made it; another pharmacy's reads as none. */
  async findForPharmacy(id: string, finess: string): Promise<Dispensation | null> {
    const [row] = await this.sql.query<DispensationRow>(FIND_FOR_PHARMACY, [id, finess]);
    return row ? toDispensation(row) : null;
  }

  /** A pharmacy's dispensations of one prescription, in the order they happened. */
  async ofPrescriptionForPharmacy(prescriptionId: string, finess: string): Promise<Dispensation[]> {
    const rows = await this.sql.query<DispensationRow>(OF_PRESCRIPTION_FOR_PHARMACY, [prescriptionId, finess]);
    return rows.map(toDispensation);
  }
}

function toDispensation(row: DispensationRow): Dispensation {
  return Object.assign(new Dispensation(), {
    id: row.id,
    prescriptionId: row.prescription_id,
    claimId: row.claim_id,
    pharmacyFiness: row.pharmacy_finess,
    pharmacistRpps: row.pharmacist_rpps,
    lines: row.lines,
    dispensedAt: row.dispensed_at,
  });
}
