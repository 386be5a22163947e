import { CloudEvent } from '@ordo/contracts';
import { EntityManager, In } from 'typeorm';
import { EventEvidence } from '../alerts/rule-hit.entity';
import { moleculeClass } from '../config/medicine-lists';
import { NarcoticPeriod, Supply } from '../rules/fraud-facts';
import { WatchedLine, WatchedPrescription } from './watched-prescription.entity';

const DAY_MS = 86_400_000;

interface Activity {
  patientPseudonym: string;
  prescriptionId: string;
  kind: 'prescribed' | 'presented';
  prescriberRpps: string | null;
  pharmacyFiness: string | null;
  watched: boolean;
  at: Date;
}

/** A prescriber's day: prescriptions, those of watched molecules (for patients new to them, and all), those written at night. */
export interface PrescriberDay {
  count: number;
  newPatientsWatched: number;
  watched: number;
  night: number;
  /** What this batch adds to each (written as increments). */
  added: DayCounts;
}

type DayCounts = Omit<PrescriberDay, 'added'>;
const DAY_COUNTS = ['count', 'newPatientsWatched', 'watched', 'night'] as const;
const noCounts = (): DayCounts => ({ count: 0, newPatientsWatched: 0, watched: 0, night: 0 });

/** A prescriber's own history before a day: totals, and the most new-patient watched prescriptions in one day. */
export interface PrescriberHistory {
  prescriptions: number;
  watched: number;
  night: number;
  mostNewPatientsWatchedInADay: number;
}

/** The usual units per day of a medicine: how many lines were seen and the sum of their logarithms (a geometric mean). */
interface MedicineUsage {
  samples: number;
  logSum: number;
  added: { samples: number; logSum: number };
}

/** What the working set reads beyond the window: from the configuration. */
export interface WorkingSetOptions {
  windowDays: number;
  historyDays: number;
  moleculeClasses: Record<string, string>;
}

/** Supplies are read this far back: a renewable prescription can run a year. */
const SUPPLY_LOOKBACK_DAYS = 366;

interface KnownNarcotic {
  id: string;
  start: Date;
  end: Date;
  status: string;
}

/** A rule fired on a prescription, as scores read it. */
export interface Hit {
  prescriptionId: string;
  patientPseudonym: string | null;
  code: string;
  weight: number;
  reason: string;
  at: Date;
}

/** A hit fired in this batch: written at flush, with the evidence analysts read. */
export interface NewHit extends Hit {
  id: string;
  scope: 'prescription' | 'patient';
  eventId: string;
  evidence: EventEvidence;
}

/** What the working set needs from an event to load its state: every event fraud consumes names these. */
interface EventSubjects {
  prescriptionId?: string;
  patientPseudonym?: string;
  prescriberRpps?: string;
  issuedAt?: string;
  lines?: { cis?: string; cip13?: string; label?: string }[];
}

/**
 * Fraud's state for the events of one consumer batch: the prescriptions they name (row-locked), their
 * patients' windows (advisory-locked, in one sorted statement so two batches never deadlock) and the
 * prescribers' day counts, each read in one query for the whole batch; the events then read and change
 * it in memory, in partition order, and `flush` writes it back in one statement per table before the
 * batch commits. With a batch of one event it is the per-event path.
 */
export class FraudWorkingSet {
  private readonly prescriptions = new Map<string, WatchedPrescription>();
  private readonly created = new Set<string>();
  private readonly changed = new Set<string>();
  private readonly activity = new Map<string, Activity[]>();
  private readonly newActivity: Activity[] = [];
  private readonly narcotics = new Map<string, KnownNarcotic[]>();
  private readonly dayCounts = new Map<string, PrescriberDay>();
  private readonly supplies = new Map<string, Supply[]>();
  private readonly medicineUsage = new Map<string, MedicineUsage>();
  private readonly historyDates = new Map<string, string[]>();
  private readonly hitsByPrescription = new Map<string, Hit[]>();
  private readonly hitsByPatient = new Map<string, Hit[]>();
  private readonly newHits: NewHit[] = [];
  /** Presentations waiting for their prescription's issued event, by prescription, in arrival order. */
  private readonly parked = new Map<string, CloudEvent[]>();
  private readonly newlyParked: { prescriptionId: string; event: CloudEvent }[] = [];
  /** Prescriptions on hold (active when loaded, or placed by this batch). */
  private readonly held = new Set<string>();
  /** Patients' windows are complete from here on (the batch's earliest event, one window back). */
  private since = 0;

  private readonly windowDays: number;

  private constructor(private readonly options: WorkingSetOptions) {
    this.windowDays = options.windowDays;
  }

  static async load(manager: EntityManager, events: readonly CloudEvent[], options: WorkingSetOptions): Promise<FraudWorkingSet> {
    const { windowDays } = options;
    const set = new FraudWorkingSet(options);
    const subjects = events.map((event) => event.data as EventSubjects);
    const ids = unique(subjects.map((data) => data.prescriptionId));
    const times = events
      .map((event) => new Date(event.time).getTime())
      .concat(subjects.flatMap((d) => (d.issuedAt ? [Date.parse(d.issuedAt)] : [])));
    const earliest = new Date(Math.min(...times));
    set.since = earliest.getTime() - windowDays * DAY_MS;

    if (ids.length > 0) {
      // Prescriptions fraud does not know yet cannot be row-locked: the batch that parks a presentation
      // of one and the batch that reads its issued event take this lock instead (one statement, sorted).
      await manager.query(
        'SELECT count(pg_advisory_xact_lock(key)) FROM (SELECT DISTINCT hashtextextended(id, 1) AS key FROM unnest($1::text[]) AS id ORDER BY 1) AS locks',
        [ids],
      );
      const rows = await manager.find(WatchedPrescription, {
        where: { id: In(ids) },
        order: { id: 'ASC' },
        lock: { mode: 'pessimistic_write' },
      });
      for (const row of rows) set.prescriptions.set(row.id, row);
      const holds: { prescription_id: string }[] = await manager.query(
        'SELECT prescription_id FROM fraud_hold WHERE lifted_at IS NULL AND prescription_id = ANY($1::bpchar[])',
        [ids],
      );
      for (const hold of holds) set.held.add(hold.prescription_id);
    }
    const issuing = subjects.filter((data) => data.lines && data.patientPseudonym && data.prescriberRpps && data.issuedAt);
    const joining = issuing.map((data) => data.prescriptionId!).filter((id) => !set.prescriptions.has(id));
    if (joining.length > 0) {
      const parked: { prescription_id: string; event: CloudEvent; seq: string }[] = await manager.query(
        // Through a SELECT: TypeORM hands a bare DELETE's result back as [rows, count].
        `WITH taken AS (DELETE FROM parked_event WHERE prescription_id = ANY($1::bpchar[]) RETURNING prescription_id, event, seq)
         SELECT prescription_id, event, seq FROM taken`,
        [joining],
      );
      parked.sort((a, b) => Number(a.seq) - Number(b.seq));
      for (const row of parked) push(set.parked, row.prescription_id, row.event);
    }
    const patients = unique([
      ...issuing.map((data) => data.patientPseudonym),
      ...[...set.prescriptions.values()].map((rx) => rx.patientPseudonym),
    ]);
    if (patients.length > 0) {
      // One patient's events arrive on several partitions (and instances): each batch must see the others' committed rows.
      await manager.query(
        'SELECT count(pg_advisory_xact_lock(key)) FROM (SELECT DISTINCT hashtextextended(p, 0) AS key FROM unnest($1::text[]) AS p ORDER BY 1) AS locks',
        [patients],
      );
    }
    // Scores read every earlier hit on these prescriptions and on their patients' others in the window.
    if (ids.length > 0 || patients.length > 0) {
      const hits: { prescription_id: string; patient_pseudonym: string | null; code: string; weight: number; reason: string; at: Date }[] =
        await manager.query(
          `SELECT prescription_id, patient_pseudonym, code, weight, reason, at FROM rule_hit
            WHERE NOT dismissed AND (prescription_id = ANY($1::bpchar[]) OR (patient_pseudonym = ANY($2::text[]) AND at > $3))`,
          [ids, patients, new Date(set.since)],
        );
      for (const row of hits) {
        set.indexHit({
          prescriptionId: row.prescription_id,
          patientPseudonym: row.patient_pseudonym,
          code: row.code,
          weight: row.weight,
          reason: row.reason,
          at: new Date(row.at),
        });
      }
    }
    if (patients.length === 0) return set;
    // No upper bound on `at`: events arrive on several partitions in any order, and the one processed
    // last, whichever it is, is the one that completes the set.
    const activity: Record<string, unknown>[] = await manager.query(
      `SELECT patient_pseudonym, prescription_id, kind, prescriber_rpps, pharmacy_finess, watched, at FROM patient_activity
        WHERE patient_pseudonym = ANY($1::text[]) AND at > $2`,
      [patients, new Date(set.since)],
    );
    for (const patient of patients) set.activity.set(patient, []);
    for (const row of activity) {
      set.activity.get(row.patient_pseudonym as string)!.push({
        patientPseudonym: row.patient_pseudonym as string,
        prescriptionId: row.prescription_id as string,
        kind: row.kind as Activity['kind'],
        prescriberRpps: row.prescriber_rpps as string | null,
        pharmacyFiness: row.pharmacy_finess as string | null,
        watched: row.watched as boolean,
        at: new Date(row.at as string),
      });
    }
    // Narcotic periods still running, and the supplies of watched molecules (overlapping supplies are read against them).
    const known: {
      id: string;
      patient_pseudonym: string;
      prescriber_rpps: string;
      issued_at: Date;
      narcotic_until: Date | null;
      status: string;
      narcotic_running: boolean;
      lines: WatchedLine[] | null;
    }[] = await manager.query(
      `SELECT id, patient_pseudonym, prescriber_rpps, issued_at, narcotic_until, status,
              narcotic AND narcotic_until > $2 AS narcotic_running,
              CASE WHEN watch_list <> '' THEN lines END AS lines
         FROM watched_prescription
        WHERE patient_pseudonym = ANY($1::text[])
          AND ((narcotic AND narcotic_until > $2) OR (watch_list <> '' AND issued_at > $3))`,
      [patients, earliest, new Date(earliest.getTime() - SUPPLY_LOOKBACK_DAYS * DAY_MS)],
    );
    for (const row of known) {
      if (row.narcotic_running) {
        set
          .narcoticsOf(row.patient_pseudonym)
          .push({ id: row.id, start: new Date(row.issued_at), end: new Date(row.narcotic_until!), status: row.status });
      }
      if (row.lines && row.status !== 'cancelled') {
        set.suppliesOf(row.patient_pseudonym).push(...set.suppliesFrom(row.id, row.prescriber_rpps, new Date(row.issued_at), row.lines));
      }
    }
    if (issuing.length > 0) {
      // The prescribers' days over their own history, up to the batch's last day.
      const rpps = unique(issuing.map((data) => data.prescriberRpps));
      const issueDays = issuing.map((data) => data.issuedAt!.slice(0, 10)).sort();
      const days: { prescriber_rpps: string; day: string; count: number; new_patients_watched: number; watched: number; night: number }[] =
        await manager.query(
          `SELECT prescriber_rpps, to_char(day, 'YYYY-MM-DD') AS day, count, new_patients_watched, watched, night FROM prescriber_day
            WHERE prescriber_rpps = ANY($1::bpchar[]) AND day >= $2::date - $3::int AND day <= $4::date`,
          [rpps, issueDays[0], options.historyDays, issueDays[issueDays.length - 1]],
        );
      for (const row of days) {
        set.dayCounts.set(`${row.prescriber_rpps}|${row.day}`, {
          count: row.count,
          newPatientsWatched: row.new_patients_watched,
          watched: row.watched,
          night: row.night,
          added: noCounts(),
        });
      }
      const medicines = unique(issuing.flatMap((data) => (data.lines ?? []).map(medicineKey)));
      if (medicines.length > 0) {
        const usage: { medicine: string; samples: number; log_sum: number }[] = await manager.query(
          'SELECT medicine, samples, log_sum FROM medicine_usage WHERE medicine = ANY($1::text[])',
          [medicines],
        );
        for (const row of usage) {
          set.medicineUsage.set(row.medicine, { samples: row.samples, logSum: row.log_sum, added: { samples: 0, logSum: 0 } });
        }
      }
    }
    return set;
  }

  prescription(id: string): WatchedPrescription | undefined {
    return this.prescriptions.get(id);
  }

  /** Keeps a presentation of a prescription not known yet, to apply once its issued event arrives. */
  park(prescriptionId: string, event: CloudEvent): void {
    this.newlyParked.push({ prescriptionId, event });
    push(this.parked, prescriptionId, event);
  }

  /** The presentations that waited for this prescription, in arrival order; each given once. */
  takeParked(prescriptionId: string): CloudEvent[] {
    const events = this.parked.get(prescriptionId);
    if (!events) return [];
    this.parked.delete(prescriptionId);
    // Parked earlier in this same batch: applied now, so not written.
    const stillParked = this.newlyParked.filter((item) => item.prescriptionId !== prescriptionId);
    this.newlyParked.splice(0, this.newlyParked.length, ...stillParked);
    return events;
  }

  /**
   * A new prescription with its `prescribed` step, its narcotic period and its supplies, counted in its
   * prescriber's day. Says whether the patient is new to the prescriber (no prescription from them in
   * the window) and returns the prescriber's day, this prescription included.
   */
  addIssued(rx: WatchedPrescription, night: boolean): { day: PrescriberDay; newPatient: boolean } {
    const newPatient = !this.activity
      .get(rx.patientPseudonym)
      ?.some((step) => step.kind === 'prescribed' && step.prescriberRpps === rx.prescriberRpps && step.prescriptionId !== rx.id);
    this.prescriptions.set(rx.id, rx);
    this.created.add(rx.id);
    this.record({
      patientPseudonym: rx.patientPseudonym,
      prescriptionId: rx.id,
      kind: 'prescribed',
      prescriberRpps: rx.prescriberRpps,
      pharmacyFiness: null,
      watched: rx.watched,
      at: rx.issuedAt,
    });
    if (rx.narcotic)
      this.narcoticsOf(rx.patientPseudonym).push({ id: rx.id, start: rx.issuedAt, end: rx.narcoticUntil!, status: rx.status });
    const key = dayKey(rx.prescriberRpps, rx.issuedAt);
    const day = this.dayCounts.get(key) ?? { ...noCounts(), added: noCounts() };
    const watched = rx.watchList !== '' ? 1 : 0;
    const counts: DayCounts = { count: 1, newPatientsWatched: newPatient ? watched : 0, watched, night: night ? 1 : 0 };
    for (const name of DAY_COUNTS) {
      day[name] += counts[name];
      day.added[name] += counts[name];
    }
    this.dayCounts.set(key, day);
    return { day, newPatient };
  }

  /** The prescriber's own days in the `historyDays` before the day of `at` (that day left out). */
  prescriberHistory(rpps: string, at: Date): PrescriberHistory {
    const history: PrescriberHistory = { prescriptions: 0, watched: 0, night: 0, mostNewPatientsWatchedInADay: 0 };
    for (const earlier of this.daysBefore(at)) {
      const day = this.dayCounts.get(`${rpps}|${earlier}`);
      if (!day) continue;
      history.prescriptions += day.count;
      history.watched += day.watched;
      history.night += day.night;
      history.mostNewPatientsWatchedInADay = Math.max(history.mostNewPatientsWatchedInADay, day.newPatientsWatched);
    }
    return history;
  }

  /** The `historyDays` dates (YYYY-MM-DD) before the day of `at`: the same few days for a whole batch, so formatted once. */
  private daysBefore(at: Date): string[] {
    const today = at.toISOString().slice(0, 10);
    let days = this.historyDates.get(today);
    if (!days) {
      const start = Date.parse(today);
      days = Array.from({ length: this.options.historyDays }, (_, i) => new Date(start - (i + 1) * DAY_MS).toISOString().slice(0, 10));
      this.historyDates.set(today, days);
    }
    return days;
  }

  /** The watched prescriptions the prescriber wrote on the day of `at` for patients new to them, as far as this batch saw. */
  newPatientPrescriptionsOfDay(rpps: string, at: Date): string[] {
    const day = at.toISOString().slice(0, 10);
    return this.newActivity
      .filter((step) => step.kind === 'prescribed' && step.prescriberRpps === rpps && step.watched && step.at.toISOString().startsWith(day))
      .map((step) => step.prescriptionId);
  }

  /** The supplies of watched molecules on a prescription, one per class, from its lines. */
  suppliesFrom(prescriptionId: string, prescriberRpps: string, issuedAt: Date, lines: WatchedLine[]): Supply[] {
    const byClass = new Map<string, Supply>();
    for (const line of lines) {
      const days = line.durationDays * (1 + line.renewals);
      for (const molecule of line.watched) {
        const moleculeClassName = moleculeClass(molecule, this.options.moleculeClasses);
        const end = new Date(issuedAt.getTime() + days * DAY_MS);
        const supply = byClass.get(moleculeClassName);
        if (!supply) {
          byClass.set(moleculeClassName, {
            prescriptionId,
            prescriberRpps,
            moleculeClass: moleculeClassName,
            molecules: [molecule],
            start: issuedAt,
            end,
          });
        } else {
          if (!supply.molecules.includes(molecule)) supply.molecules.push(molecule);
          if (end > supply.end) supply.end = end;
        }
      }
    }
    return [...byClass.values()];
  }

  /** The patient's supplies of watched molecules other than this prescription's, not cancelled. */
  otherSupplies(patient: string, prescriptionId: string): Supply[] {
    return this.suppliesOf(patient).filter(
      (supply) => supply.prescriptionId !== prescriptionId && this.prescriptions.get(supply.prescriptionId)?.status !== 'cancelled',
    );
  }

  addSupplies(patient: string, supplies: Supply[]): void {
    this.suppliesOf(patient).push(...supplies);
  }

  /** The usual units per day of a medicine before this line (undefined until `minSamples` lines), and counts this one. */
  usualUnitsPerDay(
    line: { cis?: string; cip13?: string; label: string },
    unitsPerDay: number,
    minSamples: number,
  ): { usual: number; samples: number } | undefined {
    const key = medicineKey(line);
    const usage = this.medicineUsage.get(key) ?? { samples: 0, logSum: 0, added: { samples: 0, logSum: 0 } };
    const usual = usage.samples >= minSamples ? { usual: Math.exp(usage.logSum / usage.samples), samples: usage.samples } : undefined;
    const log = Math.log(unitsPerDay);
    usage.samples += 1;
    usage.logSum += log;
    usage.added.samples += 1;
    usage.added.logSum += log;
    this.medicineUsage.set(key, usage);
    return usual;
  }

  /** The prescription was changed in place: written back at flush. */
  changedPrescription(rx: WatchedPrescription): void {
    if (!this.created.has(rx.id)) this.changed.add(rx.id);
  }

  recordPresentation(rx: WatchedPrescription, pharmacyFiness: string, at: Date): void {
    this.record({
      patientPseudonym: rx.patientPseudonym,
      prescriptionId: rx.id,
      kind: 'presented',
      prescriberRpps: null,
      pharmacyFiness,
      watched: rx.watched,
      at,
    });
  }

  /** Distinct prescribers who wrote for the patient in the window before `at` (watched prescriptions only, if asked). */
  distinctPrescribers(patient: string, at: Date, watchedOnly: boolean): number {
    return this.distinct(patient, 'prescribed', at, watchedOnly, (step) => step.prescriberRpps);
  }

  distinctPharmacies(patient: string, at: Date, watchedOnly: boolean): number {
    return this.distinct(patient, 'presented', at, watchedOnly, (step) => step.pharmacyFiness);
  }

  /**
   * The patient's distinct prescribers and pharmacies within the last `days` before `at` (watched
   * prescriptions only, if asked), each with the prescription and time it was first seen: the
   * multiple provider episode and what an analyst reads behind it.
   */
  providers(
    patient: string,
    at: Date,
    watchedOnly: boolean,
    days: number,
  ): {
    prescribers: { rpps: string; prescriptionId: string; at: string }[];
    pharmacies: { finess: string; prescriptionId: string; at: string }[];
  } {
    const prescribers = this.distinctSteps(patient, 'prescribed', at, watchedOnly, days, (step) => step.prescriberRpps);
    const pharmacies = this.distinctSteps(patient, 'presented', at, watchedOnly, days, (step) => step.pharmacyFiness);
    return {
      prescribers: [...prescribers].map(([rpps, step]) => ({ rpps, prescriptionId: step.prescriptionId, at: step.at.toISOString() })),
      pharmacies: [...pharmacies].map(([finess, step]) => ({ finess, prescriptionId: step.prescriptionId, at: step.at.toISOString() })),
    };
  }

  /** The patient's other narcotic prescriptions, not cancelled, whose treatment had not ended at `from`. */
  activeNarcoticPeriods(patient: string, prescriptionId: string, from: Date): NarcoticPeriod[] {
    return this.narcoticsOf(patient)
      .filter(
        (known) =>
          known.id !== prescriptionId && known.end > from && (this.prescriptions.get(known.id)?.status ?? known.status) !== 'cancelled',
      )
      .map((known) => ({ prescriptionId: known.id, start: known.start, end: known.end }));
  }

  /** The hits not dismissed on the prescription, this batch's included. */
  hitsOn(prescriptionId: string): Hit[] {
    return this.hitsByPrescription.get(prescriptionId) ?? [];
  }

  /** The hits on the patient's other prescriptions in the window before `at`. */
  patientHits(patient: string, prescriptionId: string, at: Date): Hit[] {
    const since = at.getTime() - this.windowDays * DAY_MS;
    return (this.hitsByPatient.get(patient) ?? []).filter((hit) => hit.prescriptionId !== prescriptionId && hit.at.getTime() > since);
  }

  addHits(hits: NewHit[]): void {
    for (const hit of hits) {
      this.newHits.push(hit);
      this.indexHit(hit);
    }
  }

  /** The evidence behind the prescription's hits not yet written (the written ones are read from rule_hit). */
  pendingEvidence(prescriptionId: string): EventEvidence[] {
    return this.newHits.filter((hit) => hit.prescriptionId === prescriptionId).map((hit) => hit.evidence);
  }

  /** On hold: active when the batch read it, or placed by the batch. */
  isHeld(prescriptionId: string): boolean {
    return this.held.has(prescriptionId);
  }

  /** The prescription is on hold once this batch commits. */
  markHeld(prescriptionId: string): void {
    this.held.add(prescriptionId);
  }

  /** Writes what the batch changed: one statement per table. */
  async flush(manager: EntityManager): Promise<void> {
    const rows = (ids: Iterable<string>) => [...ids].map((id) => prescriptionRow(this.prescriptions.get(id)!));
    if (this.created.size > 0) {
      await manager.query(
        `INSERT INTO watched_prescription
           (id, prescriber_rpps, patient_pseudonym, issued_at, dispensings, refusals, status, secure, valid_until, lines,
            narcotic, narcotic_until, watch_list, first_presented_at)
         SELECT id, prescriber_rpps, patient_pseudonym, issued_at, dispensings, refusals, status, secure, valid_until, lines,
                narcotic, narcotic_until, watch_list, first_presented_at
           FROM jsonb_populate_recordset(NULL::watched_prescription, $1::jsonb)
         ON CONFLICT (id) DO NOTHING`,
        [JSON.stringify(rows(this.created))],
      );
    }
    if (this.changed.size > 0) {
      await manager.query(
        `UPDATE watched_prescription AS w
            SET status = x.status, lines = x.lines, dispensings = x.dispensings, refusals = x.refusals,
                first_presented_at = x.first_presented_at
           FROM jsonb_populate_recordset(NULL::watched_prescription, $1::jsonb) AS x
          WHERE w.id = x.id`,
        [JSON.stringify(rows(this.changed))],
      );
    }
    if (this.newActivity.length > 0) {
      await manager.query(
        `INSERT INTO patient_activity (patient_pseudonym, prescription_id, kind, prescriber_rpps, pharmacy_finess, watched, at)
         SELECT patient_pseudonym, prescription_id, kind, prescriber_rpps, pharmacy_finess, watched, at
           FROM jsonb_populate_recordset(NULL::patient_activity, $1::jsonb)`,
        [
          JSON.stringify(
            this.newActivity.map((step) => ({
              patient_pseudonym: step.patientPseudonym,
              prescription_id: step.prescriptionId,
              kind: step.kind,
              prescriber_rpps: step.prescriberRpps,
              pharmacy_finess: step.pharmacyFiness,
              watched: step.watched,
              at: step.at.toISOString(),
            })),
          ),
        ],
      );
    }
    if (this.newlyParked.length > 0) {
      await manager.query(
        `INSERT INTO parked_event (prescription_id, event)
         SELECT p, e FROM unnest($1::bpchar[], $2::jsonb[]) WITH ORDINALITY AS x(p, e, n) ORDER BY n`,
        [this.newlyParked.map((item) => item.prescriptionId), this.newlyParked.map((item) => JSON.stringify(item.event))],
      );
    }
    if (this.newHits.length > 0) {
      await manager.query(
        `INSERT INTO rule_hit (id, prescription_id, patient_pseudonym, code, scope, weight, reason, event_id, evidence, dismissed, at)
         SELECT id, prescription_id, patient_pseudonym, code, scope, weight, reason, event_id, evidence, false, at
           FROM jsonb_populate_recordset(NULL::rule_hit, $1::jsonb)`,
        [
          JSON.stringify(
            this.newHits.map((hit) => ({
              id: hit.id,
              prescription_id: hit.prescriptionId,
              patient_pseudonym: hit.patientPseudonym,
              code: hit.code,
              scope: hit.scope,
              weight: hit.weight,
              reason: hit.reason,
              event_id: hit.eventId,
              evidence: hit.evidence,
              at: hit.at.toISOString(),
            })),
          ),
        ],
      );
    }
    const added = [...this.dayCounts].filter(([, day]) => day.added.count > 0);
    if (added.length > 0) {
      // Increments, not the counts read: another instance may have counted the same day meanwhile.
      await manager.query(
        `INSERT INTO prescriber_day (prescriber_rpps, day, count, new_patients_watched, watched, night)
         SELECT * FROM unnest($1::bpchar[], $2::date[], $3::int[], $4::int[], $5::int[], $6::int[])
         ON CONFLICT (prescriber_rpps, day) DO UPDATE SET count = prescriber_day.count + EXCLUDED.count,
           new_patients_watched = prescriber_day.new_patients_watched + EXCLUDED.new_patients_watched,
           watched = prescriber_day.watched + EXCLUDED.watched,
           night = prescriber_day.night + EXCLUDED.night`,
        [
          added.map(([key]) => key.slice(0, 11)),
          added.map(([key]) => key.slice(12)),
          added.map(([, day]) => day.added.count),
          added.map(([, day]) => day.added.newPatientsWatched),
          added.map(([, day]) => day.added.watched),
          added.map(([, day]) => day.added.night),
        ],
      );
    }
    const used = [...this.medicineUsage].filter(([, usage]) => usage.added.samples > 0);
    if (used.length > 0) {
      await manager.query(
        `INSERT INTO medicine_usage (medicine, samples, log_sum)
         SELECT * FROM unnest($1::text[], $2::int[], $3::float8[])
         ON CONFLICT (medicine) DO UPDATE SET samples = medicine_usage.samples + EXCLUDED.samples,
           log_sum = medicine_usage.log_sum + EXCLUDED.log_sum`,
        [used.map(([key]) => key), used.map(([, usage]) => usage.added.samples), used.map(([, usage]) => usage.added.logSum)],
      );
    }
  }

  private indexHit(hit: Hit): void {
    push(this.hitsByPrescription, hit.prescriptionId, hit);
    if (hit.patientPseudonym) push(this.hitsByPatient, hit.patientPseudonym, hit);
  }

  private record(step: Activity): void {
    this.newActivity.push(step);
    const steps = this.activity.get(step.patientPseudonym);
    if (steps) steps.push(step);
    else this.activity.set(step.patientPseudonym, [step]);
  }

  private distinct(
    patient: string,
    kind: Activity['kind'],
    at: Date,
    watchedOnly: boolean,
    value: (step: Activity) => string | null,
  ): number {
    return this.distinctSteps(patient, kind, at, watchedOnly, this.windowDays, value).size;
  }

  /** The first step of each distinct prescriber or pharmacy in the `days` before `at`. */
  private distinctSteps(
    patient: string,
    kind: Activity['kind'],
    at: Date,
    watchedOnly: boolean,
    days: number,
    value: (step: Activity) => string | null,
  ): Map<string, Activity> {
    const since = at.getTime() - days * DAY_MS;
    const seen = new Map<string, Activity>();
    for (const step of this.activity.get(patient) ?? []) {
      if (step.kind !== kind || step.at.getTime() <= since || (watchedOnly && !step.watched)) continue;
      const name = value(step);
      if (name && !seen.has(name)) seen.set(name, step);
    }
    return seen;
  }

  private suppliesOf(patient: string): Supply[] {
    let known = this.supplies.get(patient);
    if (!known) this.supplies.set(patient, (known = []));
    return known;
  }

  private narcoticsOf(patient: string): KnownNarcotic[] {
    let known = this.narcotics.get(patient);
    if (!known) this.narcotics.set(patient, (known = []));
    return known;
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const values = map.get(key);
  if (values) values.push(value);
  else map.set(key, [value]);
}

function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((value): value is string => typeof value === 'string' && value !== ''))];
}

/** A medicine as its usual quantity is kept: its CIS, else its pack, else its label. */
function medicineKey(line: { cis?: string; cip13?: string; label?: string }): string {
  return line.cis ? `cis:${line.cis}` : line.cip13 ? `cip13:${line.cip13}` : `label:${line.label ?? ''}`;
}

function dayKey(rpps: string, at: Date): string {
  return `${rpps}|${at.toISOString().slice(0, 10)}`;
}

function prescriptionRow(rx: WatchedPrescription): Record<string, unknown> {
  const iso = (date: Date | null) => (date ? new Date(date).toISOString() : null);
  return {
    id: rx.id,
    prescriber_rpps: rx.prescriberRpps,
    patient_pseudonym: rx.patientPseudonym,
    issued_at: iso(rx.issuedAt),
    dispensings: rx.dispensings,
    refusals: rx.refusals,
    status: rx.status,
    secure: rx.secure,
    valid_until: iso(rx.validUntil),
    lines: rx.lines,
    narcotic: rx.narcotic,
    narcotic_until: iso(rx.narcoticUntil),
    watch_list: rx.watchList,
    first_presented_at: iso(rx.firstPresentedAt),
  };
}
