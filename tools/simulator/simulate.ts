// `npm run simulate`: labelled traffic through the real services, then fraud's precision and recall
// per injected pattern.
//
//   ORDO_BUILD_DIR=.build-fraud node scripts/build.mjs && \
//     ORDO_BUILD_DIR=.build-fraud node .build-fraud/tools/simulator/simulate.js [--patients 240] [--per-pattern 8] [--weeks 6] [--seed 7]
//
// It starts its own Kafka (port 59392), PostgreSQL databases (ordo_sim_*) and the four services
// (ports 18101–18104), plays prescribers, pharmacies and patients over simulated weeks with fraud
// patterns injected and labelled, reads fraud's alerts over its API and prints precision and
// recall per pattern. Everything it started is stopped at the end (or on Ctrl-C).
//
// Clock: compressed. Each simulated week is one round of real requests, so the services stamp
// real times and the whole run falls within minutes. Fraud's windows (90 days) are longer than the
// simulated weeks, so the window rules (doctor and pharmacy shopping) see the same sets they would
// over real weeks. The rules that count calendar days (narcotic presented late, overlapping
// narcotic treatments, over 28 days) cannot be reached by waiting: for them the simulator writes
// issued events with their simulated (earlier) issue times straight onto ordo.prescriptions, as
// prescribing would have written them that many days before — labelled in the output.
import { devTokenSigner, mintToken } from '@ordo/auth';
import { PrescriptionIssued, Topics, createCloudEvent, patientKeysFromEnv, pseudonymise, sealPatient } from '@ordo/contracts';
import { nirKey, withLuhnCheckDigit } from '@ordo/identifiers';
import { createKafka } from '@ordo/messaging';
import { KeyRing, QrTokenSigner, generatePrescriptionId, generateSigningKey } from '@ordo/rx-id';
import { Producer } from 'kafkajs';
import { loadavg } from 'node:os';
import { repoRoot } from '../local/repo-root';
import { SimInfra, startInfrastructure, stopAll, stopAllOnSignals } from './infra';
import { Random } from './random';
import { AlertSeen, Label, PATTERNS, Pattern, formatScores, scorePatterns } from './scoring';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const NORMAL_PATIENTS = option('patients', 240);
const PER_PATTERN = option('per-pattern', 8);
const WEEKS = option('weeks', 6);
const SEED = option('seed', 7);
const CONCURRENCY = option('concurrency', 6);
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
    const prescriptionId = generatePrescriptionId();
    const issuedAt = new Date(Date.now() - options.daysAgo * DAY);
    const durationDays = options.durationDays ?? medicine.durationDays;
    const data = {
      prescriptionId,
      prescriberRpps: prescribers[prescriber],
      patientPseudonym: patient.pseudonym,
      patient: sealPatient(patient.identity, keys),
      secure: options.secure,
      issuedAt: issuedAt.toISOString(),
      validUntil: new Date(issuedAt.getTime() + 90 * DAY).toISOString(),
      lines: [
        {
          lineNo: 1,
          cip13: medicine.cip13,
          label: medicine.label,
          dosage: medicine.dosage,
          quantity: Math.round((medicine.quantity * durationDays) / medicine.durationDays),
          unit: medicine.unit,
          durationDays,
          renewals: 0,
          regulation: {
            narcotic: !!medicine.narcotic,
            listI: !medicine.narcotic,
            listII: false,
            securePrescription: !!medicine.narcotic,
            quantitiesInWords: !!medicine.narcotic,
            substances: [medicine.substance],
          },
        },
      ],
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
        ...page.body.items.map((item: { prescriptionId: string; ruleCodes: string[] }) => ({
          prescriptionId: item.prescriptionId,
          ruleCodes: item.ruleCodes,
        })),
      );
      if (page.body.items.length < 500) return alerts;
    }
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const prescriptionPatient = new Map<string, string>();
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

// ---------------------------------------------------------------- behaviour, week by week

type WeekPlan = (week: number) => (() => Promise<void>)[];

function normalPatient(services: Services, patient: Patient): WeekPlan {
  // A chronic narcotic patient (palliative or cancer pain): a treatment started before the run
  // (simulated 24–27 days ago, so it overlaps the new one by at most the tolerated 7 days), renewed
  // by their GP once during the run.
  const chronicNarcotic = random.chance(0.04);
  const narcoticWeek = chronicNarcotic ? random.int(0, WEEKS - 1) : -1;
  const narcotic = random.pick(NARCOTICS);
  const earlier = random.int(21, 26);
  // A chronic patient followed by specialists too (say a rheumatologist and a psychiatrist), on
  // watched molecules, seen more often, and now and then at the on-call pharmacy: close to the
  // shopping thresholds without shopping (3 regular prescribers, 2–3 pharmacies).
  const followedBySpecialists = random.chance(0.1);
  const specialists = followedBySpecialists ? [random.int(0, PRESCRIBERS - 1), random.int(0, PRESCRIBERS - 1)] : [];
  const onCall = followedBySpecialists && random.chance(0.5) ? random.int(0, PHARMACIES - 1) : undefined;
  const visits = Array.from({ length: WEEKS }, () => random.chance(followedBySpecialists ? 0.6 : 0.3));
  const watchedProfile = followedBySpecialists || random.chance(0.15);
  return (week) => {
    const tasks: (() => Promise<void>)[] = [];
    if (week === narcoticWeek) {
      tasks.push(async () => {
        await services.injectIssued(
          patient.gp,
          patient,
          { ...narcotic, durationDays: 28, quantity: 56 },
          { daysAgo: earlier + 0.1, secure: true, durationDays: 28 },
        );
        const id = await services.issue(patient.gp, patient, [{ ...narcotic, durationDays: 28, quantity: 56 }], true);
        if (id && (await services.known(id, patient.pharmacies[0]))) await services.claimAndDispense(id, patient.pharmacies[0]);
      });
    }
    if (visits[week]) {
      // Mostly the GP; sometimes a replacement doctor. Drawn while planning, as every choice here:
      // the tasks run concurrently, and the seed must fix the traffic whatever order they run in.
      const prescriber = random.chance(0.12) ? random.int(0, PRESCRIBERS - 1) : random.pick([patient.gp, patient.gp, ...specialists]);
      const lines = [random.pick(PLAIN)];
      if (watchedProfile && random.chance(0.6)) lines.push(random.pick(WATCHED));
      else if (random.chance(0.3)) lines.push(random.pick(PLAIN.filter((m) => m !== lines[0])));
      const presented = !random.chance(0.08); // some prescriptions are never presented
      const pharmacy = onCall !== undefined && random.chance(0.15) ? onCall : random.pick(patient.pharmacies);
      tasks.push(async () => {
        const id = await services.issue(prescriber, patient, lines);
        if (!id || !presented) return;
        if (await services.known(id, pharmacy)) await services.claimAndDispense(id, pharmacy);
      });
    }
    return tasks;
  };
}

function fraudulent(services: Services, pattern: Pattern, forgeKid: () => Promise<string>): WeekPlan {
  const patient = newPatient(pattern);
  const other = (not: number[]) => {
    let pharmacy: number;
    do pharmacy = random.int(0, PHARMACIES - 1);
    while (not.includes(pharmacy));
    return pharmacy;
  };
  const weekOf = random.int(0, WEEKS - 1);
  switch (pattern) {
    case 'doctor-shopping': {
      // 5–6 doctors over the weeks for watched molecules, all dispensed at the usual pharmacy.
      const doctors = random.sample(
        prescribers.map((_, i) => i),
        random.int(5, 6),
      );
      const weeks = doctors.map(() => random.int(0, WEEKS - 1));
      labels.push({ pattern, unit: patient.key });
      return (week) =>
        doctors
          .filter((_, i) => weeks[i] === week)
          .map((doctor) => {
            const molecule = random.pick(WATCHED);
            return async () => {
              const id = await services.issue(doctor, patient, [molecule]);
              if (id && (await services.known(id, patient.pharmacies[0]))) await services.claimAndDispense(id, patient.pharmacies[0]);
            };
          });
    }
    case 'pharmacy-shopping': {
      // One doctor, watched molecules, each presented at a different pharmacy.
      const stops = random.sample(
        pharmacies.map((_, i) => i),
        random.int(5, 6),
      );
      const weeks = stops.map(() => random.int(0, WEEKS - 1)).sort((a, b) => a - b);
      labels.push({ pattern, unit: patient.key });
      return (week) =>
        stops
          .filter((_, i) => weeks[i] === week)
          .map((pharmacy) => {
            const molecule = random.pick(WATCHED);
            return async () => {
              const id = await services.issue(patient.gp, patient, [molecule]);
              if (id && (await services.known(id, pharmacy))) await services.claimAndDispense(id, pharmacy);
            };
          });
    }
    case 'forged-code': {
      // Half: a code for a real prescription signed with a key that is not prescribing's; half: an ID nobody issued, typed.
      const forgeSignature = random.chance(0.5);
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
                  labels.push({ pattern, unit: id });
                  await services.scan(pharmacy, { code });
                } else {
                  const id = generatePrescriptionId();
                  labels.push({ pattern, unit: id });
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
                labels.push({ pattern, unit: id });
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
      return (week) =>
        week !== weekOf
          ? []
          : [
              async () => {
                const id = await services.injectIssued(patient.gp, patient, narcotic, { daysAgo, secure: variant === 1, durationDays });
                labels.push({ pattern, unit: id });
                if (await services.known(id, pharmacy)) await services.claimAndDispense(id, pharmacy);
              },
            ];
    }
    case 'overlapping-narcotics': {
      // Two secure, 28-day narcotic prescriptions from two doctors in the same week.
      const doctors = random.sample(
        prescribers.map((_, i) => i),
        2,
      );
      const narcotics = doctors.map(() => random.pick(NARCOTICS));
      labels.push({ pattern, unit: patient.key });
      return (week) =>
        week !== weekOf
          ? []
          : [
              async () => {
                for (const [i, doctor] of doctors.entries()) {
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
  for (const pattern of PATTERNS) for (let i = 0; i < PER_PATTERN; i++) plans.push(fraudulent(services, pattern, forgeKid));

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
  const scores = scorePatterns(labels, alerts, (id) => prescriptionPatient.get(id));

  const lines = [
    '',
    `Simulated traffic (seed ${SEED}, ${WEEKS} weeks compressed): ${NORMAL_PATIENTS} normal patients, ${PER_PATTERN} injected per pattern, ${alerts.length} alerts.`,
    '',
    formatScores(scores),
    '',
    'What happened at the counters:',
    ...Object.entries(counters)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, n]) => `  ${name}: ${n}`),
    '',
  ];
  for (const score of scores) {
    if (score.missed.length)
      lines.push(`missed ${score.pattern}: ${score.missed.slice(0, 5).join(', ')}${score.missed.length > 5 ? ', …' : ''}`);
  }
  // Normal traffic flagged, by rule: where precision is lost.
  const injectedUnits = new Set(labels.map((label) => label.unit));
  const normalFlags: Record<string, number> = {};
  for (const alert of alerts) {
    const patient = prescriptionPatient.get(alert.prescriptionId);
    if (injectedUnits.has(alert.prescriptionId) || (patient && injectedUnits.has(patient))) continue;
    for (const code of alert.ruleCodes) normalFlags[code] = (normalFlags[code] ?? 0) + 1;
  }
  lines.push(`alerts on normal traffic, by rule: ${JSON.stringify(normalFlags)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  await services.stop();
}

main()
  .catch((error) => {
    log(`failed: ${(error as Error).stack ?? error}`);
    process.exitCode = 1;
  })
  .finally(() => stopAll(log));
