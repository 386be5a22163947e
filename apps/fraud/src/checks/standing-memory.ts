import { WatchedStatus } from '../state/watched-prescription.entity';
import { CheckStanding, StandingHit } from './check-standing.reader';

const DAY_MS = 86_400_000;

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

/**
 * A standing as it travels to the worker and stays there: its key and its JSON text. One flat string
 * per entry, not a tree of small objects: everything the worker remembers survives its young
 * generation, and V8's scavenger copies a string without tracing into it, so its pauses (which
 * delay every check waiting meanwhile) stay short however much the worker keeps. A check parses
 * only the two entries it reads.
 */
export type EncodedStanding = [key: string, json: string];

/** What fraud's main thread tells the verdict worker. */
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

/** How long a forgotten key refuses older news: far longer than any batch's transaction. */
const FORGET_MS = 10 * 60_000;

/**
 * The verdict worker's memory of fraud's state, fed by the main thread after each committed batch
 * of events, so most checks are answered without a database read. It answers only when it knows
 * the prescription and the patient's whole window, and only while the main thread's consumer owns
 * every partition (with several instances, each sees only part of the changes) and is still heard
 * from by its group; otherwise it says nothing and the check is read from PostgreSQL. Bounded: the
 * least recently used entries go first.
 */
export class StandingMemory {
  /** JSON text of a PrescriptionStanding, by prescription id. */
  private readonly prescriptions = new Map<string, string>();
  /** JSON text of a PatientStanding, by pseudonym. */
  private readonly patients = new Map<string, string>();
  /** Keys changed outside the stream, with the feed's clock then: news read before that is stale. */
  private readonly forgotten = new Map<string, { at: number; wall: number }>();
  private whole = false;
  private acceptAfter = 0;

  /** `alive`: whether the main thread's consumer was heard from its group lately (a stalled one may have been replaced). */
  constructor(
    private readonly capacity: number,
    private readonly windowDays: number,
    private readonly scope: 'watched' | 'all',
    private readonly alive: () => boolean = () => true,
  ) {}

  get enabled(): boolean {
    return this.capacity > 0 && this.whole;
  }

  get size(): { prescriptions: number; patients: number } {
    return { prescriptions: this.prescriptions.size, patients: this.patients.size };
  }

  apply(message: StandingMessage): void {
    if (message.kind === 'ownership') {
      // Whatever was remembered may have been changed by another instance meanwhile: start afresh.
      this.prescriptions.clear();
      this.patients.clear();
      this.forgotten.clear();
      this.whole = message.whole;
      this.acceptAfter = message.clock;
      return;
    }
    if (message.kind === 'forget') {
      this.pruneForgotten();
      const wall = Date.now();
      for (const id of message.prescriptionIds) this.forget(`rx:${id}`, message.at, wall, () => this.prescriptions.delete(id));
      for (const patient of message.patients) this.forget(`pt:${patient}`, message.at, wall, () => this.patients.delete(patient));
      return;
    }
    if (!this.enabled || message.loadedAt <= this.acceptAfter) return;
    this.pruneForgotten();
    for (const [id, json] of message.prescriptions) {
      if (this.staleAt(`rx:${id}`, message.loadedAt)) continue;
      remember(this.prescriptions, id, json, this.capacity);
    }
    for (const [patient, json] of message.patients) {
      if (this.staleAt(`pt:${patient}`, message.loadedAt)) continue;
      remember(this.patients, patient, json, this.capacity);
    }
  }

  /** The standing as `CheckStandingReader.read` would read it, or undefined when memory cannot tell. */
  read(prescriptionId: string, at: Date): CheckStanding | undefined {
    if (!this.enabled || !this.alive()) return undefined;
    const rxJson = this.prescriptions.get(prescriptionId);
    if (rxJson === undefined) return undefined;
    const rx = JSON.parse(rxJson) as PrescriptionStanding;
    const windowStart = at.getTime() - this.windowDays * DAY_MS;
    const patientJson = this.patients.get(rx.patientPseudonym);
    if (patientJson === undefined) return undefined;
    const patient = JSON.parse(patientJson) as PatientStanding;
    if (patient.since > windowStart) return undefined;
    touch(this.prescriptions, prescriptionId, rxJson);
    touch(this.patients, rx.patientPseudonym, patientJson);
    const watchedOnly = this.scope !== 'all';
    const pharmacies = new Set<string>();
    for (const visit of patient.presentations) {
      if (visit.at > windowStart && (!watchedOnly || visit.watched)) pharmacies.add(visit.pharmacy);
    }
    return {
      prescription: {
        patientPseudonym: rx.patientPseudonym,
        prescriberRpps: rx.prescriberRpps,
        status: rx.status,
        narcotic: rx.narcotic,
        watchList: rx.watchList,
        issuedAt: new Date(rx.issuedAt),
        firstPresentedAt: rx.firstPresentedAt === null ? null : new Date(rx.firstPresentedAt),
      },
      held: rx.held,
      ownHits: rx.hits.map(({ code, weight, reason }) => ({ code, weight, reason })),
      patientHits: patient.hits
        .filter((hit) => hit.prescriptionId !== prescriptionId && hit.at > windowStart)
        .map(({ code, weight, reason }) => ({ code, weight, reason })),
      pharmacies: [...pharmacies],
    };
  }

  private forget(key: string, at: number, wall: number, drop: () => void): void {
    drop();
    this.forgotten.delete(key);
    this.forgotten.set(key, { at, wall });
  }

  private staleAt(key: string, loadedAt: number): boolean {
    const forgotten = this.forgotten.get(key);
    return forgotten !== undefined && loadedAt <= forgotten.at;
  }

  private pruneForgotten(): void {
    const horizon = Date.now() - FORGET_MS;
    for (const [key, entry] of this.forgotten) {
      if (entry.wall > horizon) break; // in insertion order: the rest are younger
      this.forgotten.delete(key);
    }
  }
}

function remember<T>(map: Map<string, T>, key: string, value: T, capacity: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > capacity) map.delete(map.keys().next().value!);
}

function touch<T>(map: Map<string, T>, key: string, value: T): void {
  map.delete(key);
  map.set(key, value);
}
