const KEEP_MS = 10 * 60_000;
const MAX_PATIENTS = 200_000;

interface Visit {
  prescriptionId: string;
  pharmacy: string;
  watched: boolean;
  at: number;
}

/**
 * Checks this instance answered whose recording (by the inbox consumer) may not have committed
 * yet: a second check right after the first must count the first one's pharmacy. Bounded: ten
 * minutes per visit, at most MAX_PATIENTS patients (oldest forgotten first).
 */
export class RecentPresentations {
  private readonly byPatient = new Map<string, Visit[]>();
  private readonly presentedRx = new Map<string, number>();

  remember(patient: string, prescriptionId: string, pharmacy: string, watched: boolean, at: Date): void {
    const now = at.getTime();
    const visits = this.fresh(patient, now);
    visits.push({ prescriptionId, pharmacy, watched, at: now });
    this.byPatient.delete(patient);
    this.byPatient.set(patient, visits);
    this.presentedRx.delete(prescriptionId);
    this.presentedRx.set(prescriptionId, now);
    while (this.byPatient.size > MAX_PATIENTS) this.byPatient.delete(this.byPatient.keys().next().value!);
    while (this.presentedRx.size > MAX_PATIENTS) this.presentedRx.delete(this.presentedRx.keys().next().value!);
  }

  pharmaciesOf(patient: string, at: Date, watchedOnly: boolean): string[] {
    return this.fresh(patient, at.getTime())
      .filter((visit) => !watchedOnly || visit.watched)
      .map((visit) => visit.pharmacy);
  }

  presented(prescriptionId: string): boolean {
    const at = this.presentedRx.get(prescriptionId);
    return at !== undefined && Date.now() - at < KEEP_MS;
  }

  private fresh(patient: string, now: number): Visit[] {
    return (this.byPatient.get(patient) ?? []).filter((visit) => now - visit.at < KEEP_MS);
  }
}
