// What was the verdict worker's memory of fraud's state. Verdicts now read every standing from the
// database (docs/scaling.md#fraud-s-verdict-memory: with two fraud instances or more, as every
// deployment that survives a failure runs, memory was never trusted and answered nothing). What is
// left are the shapes the working set still builds when a feed listens (`FraudWorkingSet.standing`),
// which none does: they go with their callers.
import { WatchedStatus } from '../state/watched-prescription.entity';
import { StandingHit } from './check-standing.reader';

/** A prescription as a verdict reads it, after a committed batch of events. Times in epoch ms. */
export interface PrescriptionStanding {
  id: string;
  patientPseudonym: string;
  prescriberRpps: string;
  status: WatchedStatus;
  narcotic: boolean;
  watchList: string;
  issuedAt: number;
  firstPresentedAt: number | null;
  held: boolean;
  /** Every hit on it not dismissed. */
  hits: StandingHit[];
}

/** A patient's window as a verdict reads it: complete for everything after `since`. */
export interface PatientStanding {
  patient: string;
  since: number;
  /** Hits on the patient's prescriptions, not dismissed. */
  hits: (StandingHit & { prescriptionId: string; at: number })[];
  /** Pharmacies the patient presented prescriptions at. */
  presentations: { pharmacy: string; watched: boolean; at: number }[];
}

/** A standing as it would travel to a listener: its key and its JSON text. */
export type EncodedStanding = [key: string, json: string];

/** What fraud's main thread would tell a listener (none listens: `StandingFeed` is never attached). */
export type StandingMessage =
  /** What a batch of events committed, for every prescription and patient it loaded; `loadedAt` is the feed's clock when it read them. */
  | { kind: 'standing'; loadedAt: number; prescriptions: EncodedStanding[]; patients: EncodedStanding[] }
  /** Changed outside the event stream (an analyst's hold, lift or closing): read these from the database again. */
  | { kind: 'forget'; at: number; prescriptionIds: string[]; patients: string[] }
  /**
   * The main thread's consumer joined its group anew, or left it: whether it now owns every
   * partition (only then does it see every change). Memory starts afresh, and takes no news loaded
   * before `clock`: what was read before may have been changed by another instance, or outside the
   * stream with the word lost while no worker listened.
   */
  | { kind: 'ownership'; whole: boolean; clock: number };

/** What a batch committed, encoded for the worker. */
export function standingMessage(loadedAt: number, prescriptions: PrescriptionStanding[], patients: PatientStanding[]): StandingMessage {
  return {
    kind: 'standing',
    loadedAt,
    prescriptions: prescriptions.map((rx) => [rx.id, JSON.stringify(rx)]),
    patients: patients.map((patient) => [patient.patient, JSON.stringify(patient)]),
  };
}
