import { CheckStanding } from './check-standing.reader';

/** Where a verdict reads a check's standing from: fraud's database (`CheckStandingReader`), or a test's own. */
export interface StandingSource {
  read(prescriptionId: string, requestPatient: string, at: Date): Promise<CheckStanding>;
}
