import { CheckStanding } from './check-standing.reader';
import { StandingMemory } from './standing-memory';

/** Where a verdict reads a check's standing from. */
export interface StandingSource {
  read(prescriptionId: string, requestPatient: string, at: Date): Promise<CheckStanding>;
}

export interface StandingCounts {
  memory: number;
  database: number;
  /** Checks whose standing in memory differed from the database's (only counted when verifying). */
  mismatches: number;
}

/**
 * Memory first (`StandingMemory`), the database when memory cannot tell. With `verify`, every
 * answer from memory is also read from the database and compared (read again once if they differ,
 * since a batch may have committed in between): for tests and for checking a deployment, not for speed.
 */
export class RememberedStanding implements StandingSource {
  private counts: StandingCounts = { memory: 0, database: 0, mismatches: 0 };

  constructor(
    private readonly memory: StandingMemory,
    private readonly database: StandingSource,
    private readonly verify = false,
    private readonly onMismatch: (detail: string) => void = () => {},
  ) {}

  async read(prescriptionId: string, requestPatient: string, at: Date): Promise<CheckStanding> {
    const remembered = this.memory.read(prescriptionId, at);
    if (!remembered) {
      this.counts.database++;
      return this.database.read(prescriptionId, requestPatient, at);
    }
    this.counts.memory++;
    if (this.verify) {
      try {
        await this.compare(remembered, prescriptionId, requestPatient, at);
      } catch (error) {
        // Verifying must not cost the pharmacist the answer memory already has.
        this.onMismatch(`standing of ${prescriptionId} not verified: ${(error as Error).message}`);
      }
    }
    return remembered;
  }

  /** The counts since the last call. */
  takeCounts(): StandingCounts {
    const counts = this.counts;
    this.counts = { memory: 0, database: 0, mismatches: 0 };
    return counts;
  }

  private async compare(remembered: CheckStanding, prescriptionId: string, requestPatient: string, at: Date): Promise<void> {
    let stored = await this.database.read(prescriptionId, requestPatient, at);
    if (comparable(stored) === comparable(remembered)) return;
    stored = await this.database.read(prescriptionId, requestPatient, at);
    const again = this.memory.read(prescriptionId, at);
    if (again && comparable(stored) === comparable(again)) return;
    this.counts.mismatches++;
    this.onMismatch(`standing of ${prescriptionId} in memory ${comparable(again ?? remembered)} but in the database ${comparable(stored)}`);
  }
}

/** A standing as text that does not depend on the order hits and pharmacies were read in. */
export function comparable(standing: CheckStanding): string {
  const hits = (list: CheckStanding['ownHits']) => list.map((hit) => `${hit.code}:${hit.weight}:${hit.reason}`).sort();
  const rx = standing.prescription;
  return JSON.stringify({
    prescription: rx
      ? [
          rx.patientPseudonym,
          rx.prescriberRpps,
          rx.status,
          rx.narcotic,
          rx.watchList,
          rx.issuedAt.toISOString(),
          rx.firstPresentedAt?.toISOString() ?? null,
        ]
      : null,
    held: standing.held,
    ownHits: hits(standing.ownHits),
    patientHits: hits(standing.patientHits),
    pharmacies: [...standing.pharmacies].sort(),
  });
}
