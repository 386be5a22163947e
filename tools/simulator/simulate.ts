// `npm run simulate`: labelled traffic through the real services, then fraud's precision and recall
// per injected pattern.
//
//   ORDO_BUILD_DIR=.build-fraud node scripts/build.mjs && \
//     ORDO_BUILD_DIR=.build-fraud node .build-fraud/tools/simulator/simulate.js [--patients 240] [--per-pattern 8] [--weeks 12] [--seed 7]
//       [--patterns prescriber-burst,replay] (only those injected: to study some patterns in numbers)
//
// It starts its own Kafka (port 59392), PostgreSQL databases (ordo_sim_*) and the four services
// (ports 18101–18104), plays prescribers, pharmacies and patients over simulated weeks with fraud
// patterns injected and labelled, reads fraud's alerts over its API and prints precision and
// recall per pattern. Everything it started is stopped at the end (or on Ctrl-C).
//
// Clock: simulated issue times, real presentation times. Prescriptions are written over simulated
// weeks (working days, 8:00 to 19:00 in Paris) that end at the start of the run: the simulator puts
// each issued event on ordo.prescriptions as prescribing would have written it that day, with the
// BDPM regulation block of its packs. Pharmacies then scan, claim (dispensing asks fraud) and
// dispense through dispensing's real API, at real time. So the rules that count calendar days
// (overlapping supplies, a prescriber's own days and hours, the windows) see the calendar they would
// in production, and every verdict still goes through the real services. Narcotics that must be
// presented within 3 days are issued through prescribing's API at real time when they are presented.
//
// Every injected pattern is drawn in variations around its thresholds (fewer or more providers,
// spread over days or weeks, mixed molecules), and the normal population holds what sits near them
// in real life: diabetics followed by a GP and an endocrinologist, on-call pharmacies, patients
// moving house, palliative care with several narcotic prescribers, double doses, locums. It prints
// recall per pattern and per variation, precision per pattern, and the false alerts per 1,000
// dispensings of normal patients.
import { devTokenSigner, mintToken } from '@ordo/auth';
import { PrescriptionIssued, Topics, createCloudEvent, patientKeysFromEnv, pseudonymise, sealPatient } from '@ordo/contracts';
import { nirKey, withLuhnCheckDigit } from '@ordo/identifiers';
import { createKafka } from '@ordo/messaging';
import { KeyRing, QrTokenSigner, generatePrescriptionId, generateSigningKey } from '@ordo/rx-id';
import { Producer } from 'kafkajs';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { repoRoot } from '../local/repo-root';
import { SimInfra, startInfrastructure, stopAll, stopAllOnSignals } from './infra';
import { Random } from './random';
import {
  AlertSeen,
  Label,
  PATTERNS,
  Pattern,
  falseAlertsPerThousand,
  formatConfusions,
  formatScores,
  formatVariations,
  scorePatterns,
} from './scoring';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const NORMAL_PATIENTS = option('patients', 240);
const PER_PATTERN = option('per-pattern', 8);
const WEEKS = option('weeks', 12);
const SEED = option('seed', 7);
const CONCURRENCY = option('concurrency', 6);
/** `--patterns a,b`: inject only these patterns (all by default). */
const ONLY_PATTERNS: readonly Pattern[] = args.includes('--patterns')
  ? args[args.indexOf('--patterns') + 1].split(',').map((name) => {
      if (!(PATTERNS as readonly string[]).includes(name)) throw new Error(`--patterns: unknown pattern ${name} (${PATTERNS.join(', ')})`);
      return name as Pattern;
    })
  : PATTERNS;
/** `--alerts-out <file>`: the alerts on normal traffic, with their signals, as JSON (to read where precision is lost). */
const ALERTS_OUT = args.includes('--alerts-out') ? args[args.indexOf('--alerts-out') + 1] : undefined;
const PRESCRIBERS = option('prescribers', 30);
const PHARMACIES = option('pharmacies', 24);
const DAY = 86_400_000;

const started = Date.now();
const log = (line: string) => process.stdout.write(`[simulate ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}\n`);

// ---------------------------------------------------------------- medicines (real BDPM packs)

interface Medicine {
  cip13: string;
  label: string;
  unit: string;
  dosage: string;
  quantity: number;
  durationDays: number;
  narcotic?: boolean;
  watched?: boolean;
  substance: string;
}
const PLAIN: Medicine[] = [
  {
    cip13: '3400935955838',
    label: 'DOLIPRANE 1000 mg, comprimé',
    unit: 'comprimé',
    dosage: '1 comprimé 3 fois par jour',
    quantity: 24,
    durationDays: 8,
    substance: 'PARACÉTAMOL',
  },
  {
    cip13: '3400930118801',
    label: 'METFORMINE BIOGARAN 1000 mg, comprimé pelliculé',
    unit: 'comprimé',
    dosage: '1 matin et soir',
    quantity: 60,
    durationDays: 30,
    substance: 'METFORMINE (CHLORHYDRATE DE)',
  },
  {
    cip13: '3400930183052',
    label: 'ATORVASTATINE BIOGARAN 20 mg, comprimé pelliculé',
    unit: 'comprimé',
    dosage: '1 le soir',
    quantity: 30,
    durationDays: 30,
    substance: 'ATORVASTATINE CALCIQUE TRIHYDRATÉE',
  },
];
const WATCHED: Medicine[] = [
  {
    cip13: '3400930127209',
    label: 'TRAMADOL BIOGARAN 50 mg, gélule',
    unit: 'gélule',
    dosage: '1 gélule 3 fois par jour',
    quantity: 30,
    durationDays: 10,
    watched: true,
    substance: 'TRAMADOL (CHLORHYDRATE DE)',
  },
  {
    cip13: '3400936388840',
    label: 'ZOLPIDEM ARROW 10 mg, comprimé pelliculé sécable',
    unit: 'comprimé',
    dosage: '1 au coucher',
    quantity: 14,
    durationDays: 14,
    watched: true,
    substance: 'ZOLPIDEM (TARTRATE DE)',
  },
  {
    cip13: '3400936429116',
    label: 'ALPRAZOLAM BIOGARAN 0,25 mg, comprimé sécable',
    unit: 'comprimé',
    dosage: '1 matin et soir',
    quantity: 28,
    durationDays: 14,
    watched: true,
    substance: 'ALPRAZOLAM',
  },
  {
    cip13: '3400930032916',
    label: 'PREGABALINE BIOGARAN 75 mg, gélule',
    unit: 'gélule',
    dosage: '1 matin et soir',
    quantity: 56,
    durationDays: 28,
    watched: true,
    substance: 'PRÉGABALINE',
  },
];
/** The GLP-1 agonists and insulin behind about a fifth of the false prescriptions reported in France. */
const DIABETES: Medicine[] = [
  {
    cip13: '3400930151075',
    label: 'OZEMPIC 0,25 mg, solution injectable en stylo prérempli',
    unit: 'stylo',
    dosage: '1 injection par semaine',
    quantity: 1,
    durationDays: 28,
    watched: true,
    substance: 'SÉMAGLUTIDE',
  },
  {
    cip13: '3400939632360',
    label: 'VICTOZA 6 mg/ml, solution injectable en stylo prérempli',
    unit: 'stylo',
    dosage: '1,2 mg par jour',
    quantity: 2,
    durationDays: 30,
    watched: true,
    substance: 'LIRAGLUTIDE',
  },
  {
    cip13: '3400930040072',
    label: 'ABASAGLAR 100 unités/ml, solution injectable en stylo prérempli',
    unit: 'boîte',
    dosage: '20 unités le soir',
    quantity: 1,
    durationDays: 30,
    watched: true,
    substance: 'INSULINE GLARGINE',
  },
];
const NARCOTICS: Medicine[] = [
  {
    cip13: '3400933323523',
    label: 'SKENAN L.P. 10 mg, microgranules à libération prolongée en gélule',
    unit: 'gélule',
    dosage: '1 gélule matin et soir',
    quantity: 28,
    durationDays: 14,
    narcotic: true,
    substance: 'MORPHINE (SULFATE DE)',
  },
  {
    cip13: '3400930068571',
    label: 'OXYCODONE ARROW 10 mg, gélule',
    unit: 'gélule',
    dosage: '1 gélule matin et soir',
    quantity: 28,
    durationDays: 14,
    narcotic: true,
    substance: 'OXYCODONE (CHLORHYDRATE D\u2019)',
  },
];

// ---------------------------------------------------------------- population

interface Patient {
  key: string;
  ins: string;
  pseudonym: string;
  identity: { ins: string; firstName: string; lastName: string; birthDate: string; sex: 'F' | 'M' };
  gp: number;
  pharmacies: number[];
  label?: Pattern;
}

const random = new Random(SEED);
const keys = patientKeysFromEnv({});
const prescribers = Array.from({ length: PRESCRIBERS }, (_, i) => withLuhnCheckDigit(String(1100000000 + i)));
const pharmacies = Array.from({ length: PHARMACIES }, (_, i) => ({
  finess: withLuhnCheckDigit(String(75200000 + i)),
  rpps: withLuhnCheckDigit(String(2100000000 + i)),
}));
let patientCount = 0;

function newPatient(label?: Pattern): Patient {
  const i = patientCount++;
  if (label) fraudPatients.set(`patient-${i}`, label);
  const sex = random.chance(0.5) ? 'F' : 'M';
  const year = random.int(1940, 2004);
  const month = random.int(1, 12);
  const body = `${sex === 'M' ? 1 : 2}${String(year % 100).padStart(2, '0')}${String(month).padStart(2, '0')}75${String(101 + Math.floor(i / 999)).padStart(3, '0')}${String((i % 999) + 1).padStart(3, '0')}`;
  const ins = `${body}${nirKey(body)}`;
  const home = random.int(0, PHARMACIES - 1);
  return {
    key: `patient-${i}`,
    ins,
    pseudonym: pseudonymise(ins, keys),
    identity: {
      ins,
      firstName: random.pick(['Camille', 'Louis', 'Emma', 'Jules', 'Léa', 'Hugo']),
      lastName: random.pick(['Martin', 'Bernard', 'Petit', 'Durand', 'Moreau']),
      birthDate: `${year}-${String(month).padStart(2, '0')}-15`,
      sex,
    },
    gp: random.int(0, PRESCRIBERS - 1),
    // Most people use one pharmacy; some a second one near work.
    pharmacies: random.chance(0.25) ? [home, (home + random.int(1, PHARMACIES - 1)) % PHARMACIES] : [home],
    ...(label ? { label } : {}),
  };
}

// ---------------------------------------------------------------- talking to the services

interface Counters {
  [name: string]: number;
}
const counters: Counters = {};
const count = (name: string) => (counters[name] = (counters[name] ?? 0) + 1);

class Services {
  private readonly tokens = new Map<string, Promise<string>>();
  private producer?: Producer;

  constructor(private readonly infra: SimInfra) {}

  async start(): Promise<void> {
    this.producer = createKafka({ brokers: this.infra.brokers.split(','), clientId: 'ordo-simulator' }).producer();
    await this.producer.connect();
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect();
  }

  token(request: Parameters<typeof mintToken>[0]): Promise<string> {
    const key = JSON.stringify(request);
    let token = this.tokens.get(key);
    if (!token) {
      token = mintToken({ ...request, ttlSeconds: 4 * 3600 }, devTokenSigner({}, { ...process.env, ...this.infra.env }));
      this.tokens.set(key, token);
    }
    return token;
  }

  async request(service: 'prescribing' | 'dispensing' | 'fraud', method: string, path: string, token: string, body?: unknown) {
    const response = await fetch(`${this.infra.url(service)}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: response.status, body: parsed };
  }

  /** A prescriber issues through prescribing's API; the BDPM checks apply. */
  async issue(
    prescriber: number,
    patient: Patient,
    medicines: Medicine[],
    secure = medicines.some((m) => m.watched || m.narcotic),
  ): Promise<string | undefined> {
    // Prescribers write narcotics and the watched hypnotics and anxiolytics on secure forms (the BDPM requires it of some).
    const token = await this.token({ role: 'prescriber', rpps: prescribers[prescriber] });
    const answer = await this.request('prescribing', 'POST', '/v1/prescriptions', token, {
      prescriber: {
        name: `Dr ${prescriber}`,
        specialty: 'Médecine générale',
        address: { lines: [`${prescriber + 1} rue de la Santé`], postalCode: '75013', city: 'Paris' },
      },
      patient: patient.identity,
      secure,
      lines: medicines.map((m) => ({
        cip13: m.cip13,
        label: m.label,
        dosage: m.dosage,
        quantity: m.quantity,
        unit: m.unit,
        durationDays: m.durationDays,
        renewals: 0,
      })),
    });
    if (answer.status !== 201) {
      count(`issue refused ${answer.status} ${answer.body?.code ?? ''}`);
      return undefined;
    }
    count('issued (HTTP)');
    prescriptionPatient.set(answer.body.id, patient.key);
    prescriptionPrescriber.set(answer.body.id, prescribers[prescriber]);
    return answer.body.id;
  }

  /**
   * An issued event with a simulated issue time (days ago), written to ordo.prescriptions as
   * prescribing writes it; `unchecked` ones are what prescribing's rules would have refused.
   */
  async injectIssued(
    prescriber: number,
    patient: Patient,
    medicine: Medicine,
    options: { daysAgo: number; secure: boolean; durationDays?: number },
  ): Promise<string> {
    const durationDays = options.durationDays ?? medicine.durationDays;
    const quantity = Math.round((medicine.quantity * durationDays) / medicine.durationDays);
    return this.publishIssued(prescriber, patient, [{ ...medicine, durationDays, quantity }], {
      issuedAt: new Date(Date.now() - options.daysAgo * DAY),
      secure: options.secure,
    });
  }

  /** An issued event written at a simulated time, as prescribing would have written it then (lines with their BDPM regulation). */
  async publishIssued(
    prescriber: number,
    patient: Patient,
    medicines: Medicine[],
    options: { issuedAt: Date; secure?: boolean },
  ): Promise<string> {
    const prescriptionId = generatePrescriptionId();
    const { issuedAt } = options;
    const data = {
      prescriptionId,
      prescriberRpps: prescribers[prescriber],
      patientPseudonym: patient.pseudonym,
      patient: sealPatient(patient.identity, keys),
      secure: options.secure ?? medicines.some((m) => m.watched || m.narcotic),
      issuedAt: issuedAt.toISOString(),
      validUntil: new Date(issuedAt.getTime() + 90 * DAY).toISOString(),
      lines: medicines.map((medicine, i) => ({
        lineNo: i + 1,
        cip13: medicine.cip13,
        label: medicine.label,
        dosage: medicine.dosage,
        quantity: medicine.quantity,
        unit: medicine.unit,
        durationDays: medicine.durationDays,
        renewals: 0,
        regulation: {
          narcotic: !!medicine.narcotic,
          listI: !medicine.narcotic,
          listII: false,
          securePrescription: !!medicine.narcotic,
          quantitiesInWords: !!medicine.narcotic,
          substances: [medicine.substance],
        },
      })),
    };
    const event = createCloudEvent(
      '/ordo/prescribing',
      { type: PrescriptionIssued.type, subject: prescriptionId, data },
      { correlationId: `simulator-${prescriptionId}` },
    );
    await this.producer!.send({
      topic: Topics.prescriptions,
      messages: [
        { key: prescriptionId, value: JSON.stringify(event), headers: { 'content-type': 'application/cloudevents+json; charset=UTF-8' } },
      ],
    });
    count('issued (Kafka, simulated time)');
    prescriptionPatient.set(prescriptionId, patient.key);
    prescriptionPrescriber.set(prescriptionId, prescribers[prescriber]);
    return prescriptionId;
  }

  private pharmacist(pharmacy: number) {
    return this.token({ role: 'pharmacist', finess: pharmacies[pharmacy].finess, rpps: pharmacies[pharmacy].rpps });
  }

  /** Waits until dispensing has the prescription (it learns it from the issued event). */
  async known(prescriptionId: string, pharmacy: number): Promise<boolean> {
    const token = await this.pharmacist(pharmacy);
    for (let i = 0; i < 150; i++) {
      if ((await this.request('dispensing', 'GET', `/v1/prescriptions/${prescriptionId}`, token)).status === 200) return true;
      await sleep(200);
    }
    count('never reached dispensing');
    return false;
  }

  /** At the counter: claim (dispensing asks fraud), then dispense everything. */
  async claimAndDispense(prescriptionId: string, pharmacy: number): Promise<'dispensed' | string> {
    const token = await this.pharmacist(pharmacy);
    const claimed = await this.request('dispensing', 'POST', '/v1/claims', token, { typedId: prescriptionId });
    if (claimed.status !== 201) {
      count(`claim refused ${claimed.status} ${claimed.body?.code ?? ''}`);
      return claimed.body?.code ?? String(claimed.status);
    }
    count(`claim verdict ${claimed.body.verdict.decision} (${claimed.body.verdict.source})`);
    const dispensed = await this.request('dispensing', 'POST', `/v1/claims/${claimed.body.claimId}/dispense`, token, {
      secret: claimed.body.secret,
    });
    if (dispensed.status !== 201) {
      count(`dispense refused ${dispensed.status} ${dispensed.body?.code ?? ''}`);
      return dispensed.body?.code ?? String(dispensed.status);
    }
    count('dispensed');
    const patient = prescriptionPatient.get(prescriptionId);
    if (patient && !fraudPatients.has(patient)) count('dispensed (normal patients)');
    return 'dispensed';
  }

  async claimOnly(prescriptionId: string, pharmacy: number) {
    const token = await this.pharmacist(pharmacy);
    const claimed = await this.request('dispensing', 'POST', '/v1/claims', token, { typedId: prescriptionId });
    count(`claim ${claimed.status === 201 ? 'accepted' : `refused ${claimed.status} ${claimed.body?.code ?? ''}`}`);
    return claimed;
  }

  async scan(pharmacy: number, presented: { code?: string; typedId?: string }) {
    const answer = await this.request('dispensing', 'POST', '/v1/scans', await this.pharmacist(pharmacy), presented);
    count(`scan ${answer.status}${answer.body?.code ? ` ${answer.body.code}` : ''}`);
    return answer;
  }

  async qrKid(): Promise<string> {
    const response = await fetch(`${this.infra.url('prescribing')}/v1/keys`);
    const body = (await response.json()) as { keys: { kid: string }[] };
    return body.keys[0].kid;
  }

  async allAlerts(): Promise<AlertSeen[]> {
    const token = await this.token({ role: 'fraud-analyst' });
    const alerts: AlertSeen[] = [];
    for (let offset = 0; ; offset += 500) {
      const page = await this.request('fraud', 'GET', `/v1/alerts?limit=500&offset=${offset}`, token);
      if (page.status !== 200) throw new Error(`GET /v1/alerts: ${page.status} ${JSON.stringify(page.body)}`);
      alerts.push(
        ...page.body.items.map((item: AlertSeen) => ({
          prescriptionId: item.prescriptionId,
          ruleCodes: item.ruleCodes,
          score: item.score,
          level: item.level,
          signals: item.signals,
        })),
      );
      if (page.body.items.length < 500) return alerts;
    }
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const prescriptionPatient = new Map<string, string>();
const prescriptionPrescriber = new Map<string, string>();
/** Patients of injected patterns (and the strangers a stolen prescriber identity writes for): not normal traffic. */
/** Patients drawn for a pattern, and which. */
const fraudPatients = new Map<string, Pattern>();
/** What each normal patient's care looks like (diabetic, palliative, moving house…): where false alerts come from. */
const patientKind = new Map<string, string>();
const labels: Label[] = [];

/** Runs the tasks with at most `limit` at a time. */
async function pool(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const errors: Error[] = [];
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) {
        const task = tasks[next++];
        try {
          await task();
        } catch (error) {
          count('task failed');
          if (errors.length < 5) errors.push(error as Error);
        }
      }
    }),
  );
  for (const error of errors) log(`  task failed: ${error.message}`);
}

// ---------------------------------------------------------------- behaviour on a simulated calendar

type WeekPlan = (week: number) => (() => Promise<void>)[];

/** The simulated weeks end where the run starts; day 0 is the first day of week 0, from midnight UTC. */
const CALENDAR_START = Math.floor((Date.now() - WEEKS * 7 * DAY) / DAY) * DAY;
const PARIS_HOUR = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: 'numeric', hourCycle: 'h23' });
/** A simulated time: `day` from the start, at `hour` (fractional) in Paris, summer time or not. */
function simulatedTime(day: number, hour: number): Date {
  const noon = CALENDAR_START + Math.floor(day) * DAY + 12 * 3_600_000;
  const offset = Number(PARIS_HOUR.format(new Date(noon))) - 12;
  return new Date(CALENDAR_START + Math.floor(day) * DAY + (hour - offset) * 3_600_000);
}
/** A working day (Monday to Friday of its week) at or after `day`, at an office hour. */
function officeTime(day: number): { day: number; at: Date } {
  const weekday = ((Math.floor(day) % 7) + 7) % 7;
  const working = weekday >= 5 ? Math.floor(day) + (7 - weekday) : Math.floor(day);
  return { day: working, at: simulatedTime(working, 8 + random.next() * 11) };
}

/** One visit: a prescription written on a simulated day, then (perhaps) presented at a pharmacy, in the run's week of that day. */
interface Visit {
  day: number;
  at: Date;
  prescriber: number;
  medicines: Medicine[];
  pharmacy?: number;
  after?: (id: string) => void;
}

/** Visits bucketed by simulated week; each week's run presents what that week wrote. */
function planOf(services: Services, patient: Patient, visits: Visit[]): WeekPlan {
  const byWeek = new Map<number, Visit[]>();
  for (const visit of visits) {
    if (visit.day < 0 || visit.at.getTime() >= Date.now()) continue;
    const week = Math.min(WEEKS - 1, Math.floor(visit.day / 7));
    byWeek.set(week, [...(byWeek.get(week) ?? []), visit]);
  }
  return (week) =>
    (byWeek.get(week) ?? []).map((visit) => async () => {
      const id = await services.publishIssued(visit.prescriber, patient, visit.medicines, { issuedAt: visit.at });
      visit.after?.(id);
      if (visit.pharmacy === undefined) return;
      if (await services.known(id, visit.pharmacy)) await services.claimAndDispense(id, visit.pharmacy);
    });
}

/** A medicine at `factor` times its usual units per day (a double dose, a quarterly pack). */
const dosed = (medicine: Medicine, factor: number): Medicine => ({
  ...medicine,
  quantity: Math.max(1, Math.round(medicine.quantity * factor)),
});
const otherThan = (not: number[], count: number) => {
  let pick: number;
  do pick = random.int(0, count - 1);
  while (not.includes(pick));
  return pick;
};
const DAYS = WEEKS * 7;
const ON_CALL_DOCTORS = 3;

function normalPatient(services: Services, patient: Patient): WeekPlan {
  const visits: Visit[] = [];
  const pharmacyOf = () => random.pick(patient.pharmacies);
  // Chosen first: a doctor does not add a short course of the molecule a patient already takes every day.
  const kind = random.next();
  const chronicMedicine =
    kind < 0.12 ? random.pick(DIABETES) : kind < 0.32 ? random.pick(WATCHED.filter((m) => m.durationDays >= 14)) : undefined;
  // Occasional care: a visit now and then, mostly the GP, sometimes a replacement doctor.
  for (let week = 0; week < WEEKS; week++) {
    if (!random.chance(0.25)) continue;
    const visit = officeTime(week * 7 + random.int(0, 4));
    const prescriber = random.chance(0.12) ? random.int(0, PRESCRIBERS - 1) : patient.gp;
    // The first prescribers are on-call doctors (SOS Médecins): a third of their visits are at night.
    const { day, at } =
      prescriber < ON_CALL_DOCTORS && random.chance(0.33)
        ? { day: visit.day, at: simulatedTime(visit.day, random.pick([20, 21, 22, 23, 24, 25, 26]) + random.next()) }
        : visit;
    const medicines = [dosed(random.pick(PLAIN), random.pick([0.5, 1, 1, 1, 1.5, 2]))];
    if (random.chance(0.3)) medicines.push(random.pick(PLAIN.filter((m) => m.cip13 !== medicines[0].cip13)));
    // A short course of a watched molecule now and then (tramadol after a sprain, zolpidem for a bad week).
    if (random.chance(0.08)) medicines.push(random.pick(WATCHED.filter((m) => m.durationDays <= 14 && m !== chronicMedicine)));
    visits.push({ day, at, prescriber, medicines, ...(random.chance(0.92) ? { pharmacy: pharmacyOf() } : {}) });
  }
  // Chronic treatments, renewed when the last supply runs out (up to 5 days early, a few days late).
  let moveDay = Infinity;
  let newGp = patient.gp;
  let newPharmacy = patient.pharmacies[0];
  if (kind < 0.04) {
    // Moving house: a new GP and a new pharmacy from some day on, the treatment carried over.
    moveDay = random.int(14, DAYS - 14);
    newGp = otherThan([patient.gp], PRESCRIBERS);
    newPharmacy = otherThan(patient.pharmacies, PHARMACIES);
  }
  const chronic = (medicine: Medicine, prescriberAt: (n: number, day: number) => number, onCall?: number, doseFactor = 1) => {
    let day = random.int(0, medicine.durationDays - 1);
    for (let n = 0; day < DAYS; n++) {
      const when = officeTime(day);
      const moved = when.day >= moveDay;
      const pharmacy = onCall !== undefined && random.chance(0.15) ? onCall : moved ? newPharmacy : pharmacyOf();
      const prescriber = moved && random.chance(0.8) ? newGp : prescriberAt(n, when.day);
      visits.push({ day: when.day, at: when.at, prescriber, medicines: [dosed(medicine, doseFactor)], pharmacy });
      day = when.day + medicine.durationDays - random.int(0, 5) + (random.chance(0.2) ? random.int(1, 6) : 0);
    }
  };
  patientKind.set(
    patient.key,
    kind < 0.04
      ? 'diabetic, moving house'
      : kind < 0.12
        ? 'diabetic (GP and endocrinologist)'
        : kind < 0.2
          ? 'watched molecule, GP and specialists'
          : kind < 0.32
            ? 'watched molecule, GP'
            : kind < 0.36
              ? 'palliative care (three narcotic prescribers)'
              : kind < 0.4
                ? 'chronic narcotic'
                : 'occasional care',
  );
  const onCall = random.chance(0.5) ? random.int(0, PHARMACIES - 1) : undefined;
  const doseFactor = random.pick([1, 1, 1, 1.5, 2]);
  if (kind < 0.12) {
    // A diabetic followed by a GP and an endocrinologist (every third renewal), a locum now and then, the on-call pharmacy at times.
    const endocrinologist = otherThan([patient.gp], PRESCRIBERS);
    const locum = otherThan([patient.gp, endocrinologist], PRESCRIBERS);
    chronic(random.pick(DIABETES), (n) => (n % 3 === 2 ? endocrinologist : random.chance(0.1) ? locum : patient.gp), onCall, doseFactor);
  } else if (kind < 0.2) {
    // Followed by specialists too (a rheumatologist, a psychiatrist) for a watched molecule, alternating with the GP.
    const specialists = [otherThan([patient.gp], PRESCRIBERS), otherThan([patient.gp], PRESCRIBERS)];
    chronic(chronicMedicine!, (n) => [patient.gp, ...specialists][n % 3], onCall, doseFactor);
  } else if (kind < 0.32) {
    chronic(chronicMedicine!, () => patient.gp, onCall, doseFactor);
  }
  const plan = planOf(services, patient, visits);
  // Narcotics, through prescribing's API at real time (they must be presented within 3 days).
  const narcoticWeek = random.int(0, WEEKS - 1);
  const narcotic = { ...random.pick(NARCOTICS), durationDays: 28, quantity: 56 };
  let narcoticTask: (() => Promise<void>) | undefined;
  if (kind >= 0.32 && kind < 0.36) {
    // Palliative care: morphine written in turn by the GP, the oncologist and the palliative team; each
    // taken over as the last runs out (the earlier two written days ago, the last one now).
    const team = [patient.gp, otherThan([patient.gp], PRESCRIBERS), otherThan([patient.gp], PRESCRIBERS)];
    const firstAgo = 56 - random.int(0, 6);
    const secondAgo = firstAgo - 28 + random.int(0, 5);
    narcoticTask = async () => {
      await services.injectIssued(team[0], patient, narcotic, { daysAgo: firstAgo, secure: true, durationDays: 28 });
      await services.injectIssued(team[1], patient, narcotic, { daysAgo: Math.max(secondAgo, 0.5), secure: true, durationDays: 28 });
      const id = await services.issue(team[2], patient, [narcotic], true);
      if (id && (await services.known(id, patient.pharmacies[0]))) await services.claimAndDispense(id, patient.pharmacies[0]);
    };
  } else if (kind >= 0.36 && kind < 0.4) {
    // A chronic narcotic patient renewed by the GP: the last treatment (21–26 days ago) overlaps the new one by at most 7 days.
    const earlier = random.int(21, 26);
    narcoticTask = async () => {
      await services.injectIssued(patient.gp, patient, narcotic, { daysAgo: earlier + 0.1, secure: true, durationDays: 28 });
      const id = await services.issue(patient.gp, patient, [narcotic], true);
      if (id && (await services.known(id, patient.pharmacies[0]))) await services.claimAndDispense(id, patient.pharmacies[0]);
    };
  }
  return (week) => [...plan(week), ...(narcoticTask && week === narcoticWeek ? [narcoticTask] : [])];
}

/** Labels the patient with a pattern and a variation. */
function labelled(pattern: Pattern, variation: string, unit: string): void {
  labels.push({ pattern, variation, unit });
}

function fraudulent(services: Services, pattern: Pattern, forgeKid: () => Promise<string>): WeekPlan {
  const patient = newPatient(pattern);
  const other = (not: number[]) => otherThan(not, PHARMACIES);
  const weekOf = random.int(0, WEEKS - 1);
  const startDay = (spanDays: number) => random.int(0, Math.max(0, DAYS - spanDays - 3));
  const spread = (count: number, spanDays: number) => {
    const start = startDay(spanDays);
    return Array.from({ length: count }, (_, i) => start + Math.round((i * spanDays) / Math.max(1, count - 1)));
  };
  const doctors = (count: number) =>
    random.sample(
      prescribers.map((_, i) => i),
      count,
    );
  const stops = (count: number) =>
    random.sample(
      pharmacies.map((_, i) => i),
      count,
    );
  switch (pattern) {
    case 'doctor-shopping': {
      // 5–6 doctors for watched molecules, all dispensed at the usual pharmacy: over weeks or within days, one molecule or several.
      const variation = random.pick(['5-doctors-weeks', '6-doctors-days', '5-doctors-one-molecule']);
      const count = variation.startsWith('6') ? 6 : 5;
      const days = spread(count, variation.endsWith('days') ? random.int(3, 10) : random.int(21, 60));
      const molecule = random.pick(WATCHED);
      labelled(pattern, variation, patient.key);
      return planOf(
        services,
        patient,
        doctors(count).map((doctor, i) => {
          const { day, at } = officeTime(days[i]);
          return {
            day,
            at,
            prescriber: doctor,
            medicines: [variation === '5-doctors-one-molecule' ? molecule : random.pick(WATCHED)],
            pharmacy: patient.pharmacies[0],
          };
        }),
      );
    }
    case 'pharmacy-shopping': {
      // One doctor, watched molecules, each presented at a different pharmacy: 5 over weeks, or 6 within days.
      const variation = random.pick(['5-pharmacies-weeks', '6-pharmacies-days']);
      const count = variation.startsWith('6') ? 6 : 5;
      const days = spread(count, variation.endsWith('days') ? random.int(3, 10) : random.int(21, 60));
      labelled(pattern, variation, patient.key);
      return planOf(
        services,
        patient,
        stops(count).map((pharmacy, i) => ({
          ...officeTime(days[i]),
          prescriber: patient.gp,
          medicines: [random.pick(WATCHED)],
          pharmacy,
        })),
      );
    }
    case 'multiple-provider-episode': {
      // The same GLP-1 or insulin from several prescribers at as many pharmacies, each prescription genuine, their supplies overlapping.
      const variation = random.pick(['4x4-days', '3x3-days', '4x4-weeks', '5x5-mixed-glp1', '4x4-glp1-and-insulin']);
      const count = variation.startsWith('5') ? 5 : variation.startsWith('3') ? 3 : 4;
      const days = spread(count, variation === '4x4-weeks' ? random.int(21, 42) : random.int(2, 10));
      const molecule = random.pick(DIABETES);
      const molecules = days.map((_, i) =>
        variation === '5x5-mixed-glp1' ? DIABETES[i % 2] : variation === '4x4-glp1-and-insulin' ? DIABETES[i % 2 === 0 ? 0 : 2] : molecule,
      );
      labelled(pattern, variation, patient.key);
      const where = stops(count);
      return planOf(
        services,
        patient,
        doctors(count).map((doctor, i) => ({ ...officeTime(days[i]), prescriber: doctor, medicines: [molecules[i]], pharmacy: where[i] })),
      );
    }
    case 'duplicate-supply': {
      // A second (or third) supply of the same molecule or class from another prescriber while the first runs: 10–25 days of overlap,
      // collected at the patient's pharmacy or one other. (Three supplies at three pharmacies would be drawn exactly as an
      // episode's 3x3 variation is, and no detector could tell which of the two labels it was given.)
      const variation = random.pick(['same-molecule', 'same-class', 'three-supplies']);
      const first = random.pick([...DIABETES, ...WATCHED.filter((m) => m.durationDays >= 28)]);
      const count = variation === 'three-supplies' ? 3 : 2;
      const start = startDay(40);
      const gap = Math.max(1, first.durationDays - random.int(10, 25));
      const elsewhere = other(patient.pharmacies);
      labelled(pattern, variation, patient.key);
      return planOf(
        services,
        patient,
        doctors(count).map((doctor, i) => ({
          ...officeTime(start + i * Math.min(gap, 6)),
          prescriber: doctor,
          medicines: [variation === 'same-class' && i > 0 && first.cip13 === DIABETES[0].cip13 ? DIABETES[1] : first],
          pharmacy: i === 0 || random.chance(0.5) ? patient.pharmacies[0] : elsewhere,
        })),
      );
    }
    case 'prescriber-burst': {
      // One prescriber's identity (a real prescriber of the population) writing a watched molecule for
      // patients it never saw: dozens within minutes, a dozen within hours, or fewer at night. Drawn in
      // the second half of the run, when the prescriber has a history of their own to be read against.
      const variation = random.pick(['20-40-within-minutes', '10-14-within-hours', '12-18-over-a-day', '6-9-at-night']);
      const victim = random.int(0, PRESCRIBERS - 1);
      const size = {
        '20-40-within-minutes': [20, 40],
        '10-14-within-hours': [10, 14],
        '12-18-over-a-day': [12, 18],
        '6-9-at-night': [6, 9],
      }[variation]!;
      const n = random.int(size[0], size[1]);
      const { day } = officeTime(random.int(Math.floor(DAYS / 2), DAYS - 4));
      const startHour = variation === '6-9-at-night' ? 1 + random.next() * 2 : 8 + random.next() * 2;
      const spanHours = { '20-40-within-minutes': 0.3, '10-14-within-hours': 2, '12-18-over-a-day': 9, '6-9-at-night': 1.5 }[variation]!;
      const molecule = random.pick([...DIABETES.slice(0, 1), ...WATCHED]);
      labelled(pattern, variation, `prescriber:${prescribers[victim]}`);
      const strangers = Array.from({ length: n }, () => newPatient(pattern));
      const week = Math.min(WEEKS - 1, Math.floor(day / 7));
      return (w) =>
        w !== week
          ? []
          : strangers.map((stranger, i) => async () => {
              const at = simulatedTime(day, startHour + (i * spanHours) / n);
              const id = await services.publishIssued(victim, stranger, [random.chance(0.7) ? molecule : random.pick(WATCHED)], {
                issuedAt: at,
              });
              const pharmacy = random.int(0, PHARMACIES - 1);
              if (random.chance(0.6) && (await services.known(id, pharmacy))) await services.claimAndDispense(id, pharmacy);
            });
    }
    case 'over-quantity': {
      // A watched molecule written at several times its usual units per day (resold), drawn in the second half of the
      // run, once the medicine's usual quantity is known.
      const variation = random.pick(['x3-x4', 'x5-x10']);
      const factor = variation === 'x3-x4' ? 3.2 + random.next() * 0.8 : 5 + random.next() * 5;
      const medicine = random.pick([...DIABETES, ...WATCHED]);
      const { day, at } = officeTime(random.int(Math.floor(DAYS / 2), DAYS - 4));
      const medicineAtFactor = { ...medicine, quantity: Math.ceil(medicine.quantity * factor) };
      return planOf(services, patient, [
        {
          day,
          at,
          prescriber: patient.gp,
          medicines: [medicineAtFactor],
          pharmacy: patient.pharmacies[0],
          after: (id) => labelled(pattern, variation, id),
        },
      ]);
    }
    case 'forged-code': {
      // Half: a code for a real prescription signed with a key that is not prescribing's; half: an ID nobody issued, typed.
      const forgeSignature = random.chance(0.5);
      const variation = forgeSignature ? 'forged-signature' : 'unknown-id';
      const pharmacy = other([]);
      const molecule = random.pick(WATCHED);
      return (week) =>
        week !== weekOf
          ? []
          : [
              async () => {
                if (forgeSignature) {
                  const id = await services.issue(patient.gp, patient, [molecule]);
                  if (!id || !(await services.known(id, pharmacy))) return;
                  const kid = await forgeKid();
                  const code = new QrTokenSigner(KeyRing.fromConfig({ activeKid: kid, keys: [generateSigningKey(kid)] })).sign(id as never);
                  labelled(pattern, variation, id);
                  await services.scan(pharmacy, { code });
                } else {
                  const id = generatePrescriptionId();
                  labelled(pattern, variation, id);
                  await services.claimOnly(id, pharmacy);
                }
              },
            ];
    }
    case 'replay':
    case 'double-dispensing': {
      // Dispensed in full at one pharmacy, then presented again elsewhere: scanned (replay) or claimed (double dispensing).
      const first = patient.pharmacies[0];
      const second = other([first]);
      const molecule = random.pick(PLAIN);
      return (week) =>
        week !== weekOf
          ? []
          : [
              async () => {
                const id = await services.issue(patient.gp, patient, [molecule]);
                if (!id || !(await services.known(id, first))) return;
                labelled(pattern, 'at another pharmacy', id);
                if ((await services.claimAndDispense(id, first)) !== 'dispensed') return;
                await sleep(1000);
                if (pattern === 'replay') await services.scan(second, { typedId: id });
                else await services.claimOnly(id, second);
              },
            ];
    }
    case 'narcotic-abuse': {
      // A narcotic prescription prescribing's rules would have refused (no secure form, or over 28
      // days), written some days ago, presented late at a pharmacy.
      const variant = random.int(0, 2);
      const daysAgo = random.int(5, 9);
      const pharmacy = other([]);
      const narcotic = random.pick(NARCOTICS);
      const durationDays = variant === 0 ? 28 : random.int(42, 60);
      const variation = ['not secure', 'too long, presented late', 'too long, not secure'][variant];
      return (week) =>
        week !== weekOf
          ? []
          : [
              async () => {
                const id = await services.injectIssued(patient.gp, patient, narcotic, { daysAgo, secure: variant === 1, durationDays });
                labelled(pattern, variation, id);
                if (await services.known(id, pharmacy)) await services.claimAndDispense(id, pharmacy);
              },
            ];
    }
    case 'overlapping-narcotics': {
      // Two secure, 28-day narcotic prescriptions from two doctors in the same week.
      const two = doctors(2);
      const narcotics = two.map(() => random.pick(NARCOTICS));
      labelled(pattern, 'two prescribers', patient.key);
      return (week) =>
        week !== weekOf
          ? []
          : [
              async () => {
                for (const [i, doctor] of two.entries()) {
                  const narcotic = narcotics[i];
                  const id = await services.issue(doctor, patient, [{ ...narcotic, durationDays: 28, quantity: 56 }], true);
                  if (id && (await services.known(id, patient.pharmacies[0]))) await services.claimAndDispense(id, patient.pharmacies[0]);
                }
              },
            ];
    }
  }
}

async function waitForFraudToSettle(infra: SimInfra): Promise<void> {
  const db = await infra.fraudDb();
  let last = -1;
  let stable = 0;
  for (let i = 0; i < 240 && stable < 4; i++) {
    const { rows } = await db.query('SELECT count(*)::int AS n FROM inbox');
    stable = rows[0].n === last ? stable + 1 : 0;
    last = rows[0].n;
    await sleep(1000);
  }
  log(`fraud has consumed ${last} events`);
}

async function main(): Promise<void> {
  stopAllOnSignals(log);
  const root = repoRoot();
  log(
    `seed ${SEED}: ${NORMAL_PATIENTS} normal patients, ${PER_PATTERN} per fraud pattern, ${PRESCRIBERS} prescribers, ${PHARMACIES} pharmacies, ${WEEKS} simulated weeks`,
  );
  const infra = await startInfrastructure(root, log, {
    // A loaded two-core machine answers slower than production; a longer wait keeps timeouts from deciding.
    FRAUD_CHECK_TIMEOUT_MS: process.env.FRAUD_CHECK_TIMEOUT_MS ?? '2000',
  });
  const services = new Services(infra);
  await services.start();
  let kid: Promise<string> | undefined;
  const forgeKid = () => (kid ??= services.qrKid());

  const plans: WeekPlan[] = [];
  for (let i = 0; i < NORMAL_PATIENTS; i++) plans.push(normalPatient(services, newPatient()));
  for (const pattern of ONLY_PATTERNS) for (let i = 0; i < PER_PATTERN; i++) plans.push(fraudulent(services, pattern, forgeKid));
  log(`${labels.length} injected units planned so far (those labelled as they run come later); ${fraudPatients.size} patients of patterns`);

  for (let week = 0; week < WEEKS; week++) {
    const tasks = plans.flatMap((plan) => plan(week));
    // Interleave everyone's week.
    const shuffled = random.sample(tasks, tasks.length);
    const weekStarted = Date.now();
    await pool(shuffled, CONCURRENCY);
    const summary = Object.entries(counters)
      .filter(([name]) => /^(issued|dispensed|claim|scan|task)/.test(name))
      .map(([name, n]) => `${name}: ${n}`)
      .join(', ');
    log(
      `week ${week + 1}/${WEEKS}: ${tasks.length} visits in ${((Date.now() - weekStarted) / 1000).toFixed(1)} s (load ${loadavg()[0].toFixed(1)}) — ${summary}`,
    );
  }

  log('waiting for fraud to consume everything');
  await waitForFraudToSettle(infra);
  const alerts = await services.allAlerts();
  log(`fraud raised ${alerts.length} alerts`);
  const traffic = {
    patientOf: (id: string) => prescriptionPatient.get(id),
    prescriberOf: (id: string) => prescriptionPrescriber.get(id),
    isFraudPatient: (patient: string) => fraudPatients.has(patient),
    patternOfPatient: (patient: string) => fraudPatients.get(patient),
  };
  const scores = scorePatterns(labels, alerts, traffic);
  const normal = falseAlertsPerThousand(labels, alerts, traffic, counters['dispensed (normal patients)'] ?? 0);

  const lines = [
    '',
    `Simulated traffic (seed ${SEED}, ${WEEKS} simulated weeks): ${NORMAL_PATIENTS} normal patients, ${PER_PATTERN} injected per pattern, ${alerts.length} alerts.`,
    '',
    formatScores(scores),
    '',
    formatConfusions(scores),
    '',
    ...scores.flatMap((score) =>
      score.missed.map(
        (unit) =>
          `Missed ${score.pattern} (${labels.find((label) => label.pattern === score.pattern && label.unit === unit)?.variation ?? '–'}): ${unit}`,
      ),
    ),
    '',
    formatVariations(scores),
    '',
    `False alerts on normal traffic: ${normal.alerts} for ${normal.dispensings} dispensings to normal patients = ${normal.perThousand.toFixed(2)} per 1,000; by rule: ${JSON.stringify(normal.byRule)}`,
    '',
    'What happened at the counters:',
    ...Object.entries(counters)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, n]) => `  ${name}: ${n}`),
    '',
  ];
  const byKind: Record<string, number> = {};
  for (const alert of normal.list) {
    const kind = patientKind.get(prescriptionPatient.get(alert.prescriptionId) ?? '') ?? 'unknown';
    byKind[kind] = (byKind[kind] ?? 0) + 1;
  }
  lines.push(`False alerts by kind of normal patient: ${JSON.stringify(byKind)}`);
  if (ALERTS_OUT) {
    writeFileSync(
      ALERTS_OUT,
      JSON.stringify(
        normal.list.map((alert) => ({ ...alert, patientKind: patientKind.get(prescriptionPatient.get(alert.prescriptionId) ?? '') })),
        null,
        1,
      ),
    );
    lines.push(`alerts on normal traffic written to ${ALERTS_OUT}`);
  }
  for (const score of scores) {
    if (score.missed.length)
      lines.push(`missed ${score.pattern}: ${score.missed.slice(0, 5).join(', ')}${score.missed.length > 5 ? ', …' : ''}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  await services.stop();
}

main()
  .catch((error) => {
    log(`failed: ${(error as Error).stack ?? error}`);
    process.exitCode = 1;
  })
  .finally(() => stopAll(log));
