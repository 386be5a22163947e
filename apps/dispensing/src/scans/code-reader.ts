import { Injectable } from '@nestjs/common';
import { PrescriptionScanned, ScanOutcome } from '@ordo/contracts';
import { Sql, SqlRunner } from '@ordo/database';
import { Outbox } from '@ordo/messaging';
import { parsePrescriptionId } from '@ordo/rx-id';
import { CodeRefused } from '../dispensations/dispensing.errors';
import { QrVerification } from '../keys/qr-verification';

export interface Presented {
  /** The QR token as scanned. */
  code?: string;
  /** The ID typed by the pharmacist when the code cannot be scanned. */
  typedId?: string;
}

export interface Pharmacy {
  finess: string;
  rpps: string;
}

export interface Identified {
  prescriptionId: string;
  typed: boolean;
}

const REFUSAL_CODES: Record<Exclude<ScanOutcome, 'genuine' | 'typed' | 'unknown-id'>, [string, string]> = {
  'forged-signature': ['FORGED_CODE', 'the code is not signed by Ordo: it was forged or altered'],
  'unknown-key': ['UNKNOWN_SIGNING_KEY', 'the code is signed with a key Ordo does not know'],
  'revoked-key': ['REVOKED_SIGNING_KEY', 'the code is signed with a revoked key'],
  'bad-check-digits': ['BAD_CHECK_DIGITS', 'the prescription ID has wrong check digits: misread or altered'],
  malformed: ['MALFORMED_CODE', 'this is not an Ordo prescription code'],
};

/**
 * Reads what the pharmacy presents (a scanned code or a typed ID) into a prescription ID, refusing
 * codes that do not verify before any lookup. Every attempt, genuine or not, is recorded as a
 * `scanned` event, which fraud reads.
 */
@Injectable()
export class CodeReader {
  constructor(
    private readonly sql: Sql,
    private readonly outbox: Outbox,
    private readonly verification: QrVerification,
  ) {}

  async identify(presented: Presented, pharmacy: Pharmacy): Promise<Identified> {
    if (presented.code !== undefined) {
      const result = await this.verification.verify(presented.code.trim());
      if (result.outcome === 'genuine') return { prescriptionId: result.id, typed: false };
      await this.record(pharmacy, result.outcome, result.claimedId, { kid: result.kid, detail: result.detail });
      const [code, message] = REFUSAL_CODES[result.outcome];
      throw new CodeRefused(code, message);
    }
    const parsed = parsePrescriptionId(presented.typedId);
    if (!parsed.ok) {
      await this.record(pharmacy, parsed.reason === 'check-digits' ? 'bad-check-digits' : 'malformed', undefined, {
        detail: 'typed',
      });
      throw new CodeRefused(
        parsed.reason === 'check-digits' ? 'BAD_CHECK_DIGITS' : 'MALFORMED_ID',
        parsed.reason === 'check-digits'
          ? 'the typed ID has wrong check digits: a character was mistyped'
          : 'the typed text is not a prescription ID',
      );
    }
    return { prescriptionId: parsed.id, typed: true };
  }

  /** Records the outcome of a presentation that reached a prescription (or found none), in `within` if given. */
  async record(
    pharmacy: Pharmacy,
    outcome: ScanOutcome,
    prescriptionId: string | undefined,
    extra: { kid?: string; detail?: string; status?: string } = {},
    within: SqlRunner = this.sql,
  ): Promise<void> {
    await this.outbox.append(within, PrescriptionScanned, prescriptionId ?? `unidentified:${pharmacy.finess}`, {
      ...(prescriptionId ? { prescriptionId } : {}),
      outcome,
      ...(extra.kid ? { kid: extra.kid } : {}),
      ...(extra.detail ? { detail: extra.detail.slice(0, 300) } : {}),
      ...(extra.status ? { status: extra.status } : {}),
      pharmacyFiness: pharmacy.finess,
      pharmacistRpps: pharmacy.rpps,
    });
  }
}
