import { CheckStanding } from './check-standing.reader';
import { RememberedStanding, StandingSource, comparable } from './check-standing.source';
import { PatientStanding, PrescriptionStanding, StandingMemory, standingMessage } from './standing-memory';

const DAY = 86_400_000;
const now = new Date('2026-11-20T10:00:00Z');
const t = (daysAgo: number) => now.getTime() - daysAgo * DAY;

function rx(id: string, overrides: Partial<PrescriptionStanding> = {}): PrescriptionStanding {
  return {
    id,
    patientPseudonym: 'patient-1',
    prescriberRpps: '10000000009',
    status: 'issued',
    narcotic: false,
    watchList: 'zolpidem',
    issuedAt: t(2),
    firstPresentedAt: null,
    held: false,
    hits: [{ code: 'WATCH_LIST_MOLECULE', weight: 10, reason: 'watch-list' }],
    ...overrides,
  };
}

function patient(overrides: Partial<PatientStanding> = {}): PatientStanding {
  return { patient: 'patient-1', since: t(100), hits: [], presentations: [], ...overrides };
}

/** `rx('A')` as the database reads it. */
const storedPrescription: NonNullable<CheckStanding['prescription']> = {
  patientPseudonym: 'patient-1',
  prescriberRpps: '10000000009',
  status: 'issued',
  narcotic: false,
  watchList: 'zolpidem',
  issuedAt: new Date(t(2)),
  firstPresentedAt: null,
};

function memory(capacity = 100, scope: 'watched' | 'all' = 'watched'): StandingMemory {
  const made = new StandingMemory(capacity, 90, scope);
  made.apply({ kind: 'ownership', whole: true, clock: 0 });
  return made;
}

describe('verdict memory', () => {
  it('reads a prescription and its patient window as the database query does', () => {
    const m = memory();
    m.apply(
      standingMessage(
        1,
        [rx('A', { firstPresentedAt: t(1) })],
        [
          patient({
            hits: [
              { prescriptionId: 'A', code: 'WATCH_LIST_MOLECULE', weight: 10, reason: 'watch-list', at: t(2) },
              { prescriptionId: 'B', code: 'DOCTOR_SHOPPING', weight: 40, reason: 'five prescribers', at: t(30) },
              { prescriptionId: 'C', code: 'OVER_QUANTITY', weight: 30, reason: 'too much', at: t(91) },
            ],
            presentations: [
              { pharmacy: 'P1', watched: true, at: t(1) },
              { pharmacy: 'P1', watched: true, at: t(3) },
              { pharmacy: 'P2', watched: false, at: t(5) },
              { pharmacy: 'P3', watched: true, at: t(95) },
            ],
          }),
        ],
      ),
    );
    const read = m.read('A', now)!;
    expect(read.prescription).toEqual({ ...storedPrescription, firstPresentedAt: new Date(t(1)) });
    expect(read.ownHits).toEqual([{ code: 'WATCH_LIST_MOLECULE', weight: 10, reason: 'watch-list' }]);
    // The patient's hits on other prescriptions inside the 90-day window only.
    expect(read.patientHits).toEqual([{ code: 'DOCTOR_SHOPPING', weight: 40, reason: 'five prescribers' }]);
    // Watched presentations inside the window, each pharmacy once.
    expect(read.pharmacies).toEqual(['P1']);
    expect(memory(100, 'all').read('A', now)).toBeUndefined();
  });

  it('counts every pharmacy when the shopping scope is all', () => {
    const m = memory(100, 'all');
    m.apply(
      standingMessage(
        1,
        [rx('A')],
        [
          patient({
            presentations: [
              { pharmacy: 'P1', watched: true, at: t(1) },
              { pharmacy: 'P2', watched: false, at: t(5) },
            ],
          }),
        ],
      ),
    );
    expect(m.read('A', now)!.pharmacies.sort()).toEqual(['P1', 'P2']);
  });

  it('says nothing about a prescription or patient it was not told of, or a window older than it knows', () => {
    const m = memory();
    m.apply(standingMessage(1, [rx('A'), rx('B', { patientPseudonym: 'patient-2' })], [patient({ since: t(80) })]));
    expect(m.read('Z', now)).toBeUndefined();
    expect(m.read('B', now)).toBeUndefined(); // patient-2's window unknown
    expect(m.read('A', now)).toBeUndefined(); // patient-1 known only from 80 days back
    m.apply(standingMessage(2, [], [patient({ since: t(90) })]));
    expect(m.read('A', now)).toBeDefined();
  });

  it('trusts nothing unless the consumer owns every partition, and starts afresh at each join', () => {
    const m = new StandingMemory(100, 90, 'watched');
    m.apply(standingMessage(1, [rx('A')], [patient()]));
    expect(m.read('A', now)).toBeUndefined();
    m.apply({ kind: 'ownership', whole: true, clock: 2 });
    m.apply(standingMessage(3, [rx('A')], [patient()]));
    expect(m.read('A', now)).toBeDefined();
    m.apply({ kind: 'ownership', whole: false, clock: 4 });
    expect(m.read('A', now)).toBeUndefined();
    m.apply({ kind: 'ownership', whole: true, clock: 5 });
    expect(m.read('A', now)).toBeUndefined(); // what it held before may have changed meanwhile
  });

  it('takes no news loaded before it started afresh (a change outside the stream may have been missed meanwhile)', () => {
    const m = new StandingMemory(100, 90, 'watched');
    m.apply({ kind: 'ownership', whole: true, clock: 7 });
    m.apply(standingMessage(6, [rx('A', { held: false })], [patient()]));
    expect(m.read('A', now)).toBeUndefined();
    m.apply(standingMessage(8, [rx('A', { held: true })], [patient()]));
    expect(m.read('A', now)!.held).toBe(true);
  });

  it('says nothing while the consumer is not heard from by its group (it may have been replaced)', () => {
    let heard = true;
    const m = new StandingMemory(100, 90, 'watched', () => heard);
    m.apply({ kind: 'ownership', whole: true, clock: 0 });
    m.apply(standingMessage(1, [rx('A')], [patient()]));
    expect(m.read('A', now)).toBeDefined();
    heard = false;
    expect(m.read('A', now)).toBeUndefined();
  });

  it('is off with a capacity of 0', () => {
    const m = memory(0);
    m.apply(standingMessage(1, [rx('A')], [patient()]));
    expect(m.read('A', now)).toBeUndefined();
  });

  it('forgets what an analyst changed, and ignores news read before that change', () => {
    const m = memory();
    m.apply(standingMessage(1, [rx('A', { held: true })], [patient()]));
    expect(m.read('A', now)!.held).toBe(true);
    // A batch loaded at clock 2, the analyst lifts the hold at clock 3, the batch commits after.
    m.apply({ kind: 'forget', at: 3, prescriptionIds: ['A'], patients: ['patient-1'] });
    m.apply(standingMessage(2, [rx('A', { held: true })], [patient()]));
    expect(m.read('A', now)).toBeUndefined();
    // A batch loaded after the change reads it from the database: believed again.
    m.apply(standingMessage(4, [rx('A', { held: false })], [patient()]));
    expect(m.read('A', now)!.held).toBe(false);
  });

  it('keeps at most its capacity, dropping the least recently used first', () => {
    const m = memory(2);
    m.apply(standingMessage(1, [rx('A'), rx('B')], [patient()]));
    expect(m.read('A', now)).toBeDefined(); // A is now the most recently used
    m.apply(standingMessage(2, [rx('C')], []));
    expect(m.size.prescriptions).toBe(2);
    expect(m.read('B', now)).toBeUndefined();
    expect(m.read('A', now)).toBeDefined();
    expect(m.read('C', now)).toBeDefined();
  });
});

describe('standing from memory, else the database', () => {
  const stored: CheckStanding = {
    prescription: storedPrescription,
    held: false,
    ownHits: [{ code: 'WATCH_LIST_MOLECULE', weight: 10, reason: 'watch-list' }],
    patientHits: [],
    pharmacies: [],
  };
  const database = (answer: CheckStanding): StandingSource & { reads: number } => {
    const source = {
      reads: 0,
      read: async () => {
        source.reads++;
        return answer;
      },
    };
    return source;
  };

  it('reads the database only when memory cannot tell, and counts which answered', async () => {
    const m = memory();
    const db = database(stored);
    const source = new RememberedStanding(m, db);
    expect(await source.read('A', 'patient-1', now)).toBe(stored);
    m.apply(standingMessage(1, [rx('A')], [patient()]));
    expect(comparable(await source.read('A', 'patient-1', now))).toBe(comparable(stored));
    expect(db.reads).toBe(1);
    expect(source.takeCounts()).toEqual({ memory: 1, database: 1, mismatches: 0 });
    expect(source.takeCounts()).toEqual({ memory: 0, database: 0, mismatches: 0 });
  });

  it('when verifying, compares memory with the database and reports a difference', async () => {
    const m = memory();
    m.apply(standingMessage(1, [rx('A', { held: true })], [patient()]));
    const mismatches: string[] = [];
    const source = new RememberedStanding(m, database(stored), true, (detail) => mismatches.push(detail));
    await source.read('A', 'patient-1', now);
    expect(source.takeCounts().mismatches).toBe(1);
    expect(mismatches[0]).toMatch(/standing of A in memory .*"held":true.* but in the database .*"held":false/);

    m.apply(standingMessage(2, [rx('A')], [patient()]));
    await source.read('A', 'patient-1', now);
    expect(source.takeCounts()).toEqual({ memory: 1, database: 0, mismatches: 0 });
  });
});
