import type { PrescribedLine } from '@ordo/contracts';
import { nirKey } from '@ordo/identifiers';
import { authoredOnBounds, intersectBounds, searchRange } from './authored-on';
import type { PrescriptionRecord } from './medication-request';
import {
  MedicationRequestSearchQuery,
  decodeCursor,
  encodeCursor,
  pageOfLines,
  parseMedicationRequestSearch,
  prescriptionsToRead,
} from './medication-request-search';

const INS = `2840375123456${nirKey('2840375123456')}`;
const OTHER_INS = `1840375123456${nirKey('1840375123456')}`;

function query(values: Partial<MedicationRequestSearchQuery>): MedicationRequestSearchQuery {
  return Object.assign(new MedicationRequestSearchQuery(), values);
}

function parsed(values: Partial<MedicationRequestSearchQuery>) {
  const result = parseMedicationRequestSearch(query(values));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.search;
}

function refused(values: Partial<MedicationRequestSearchQuery>) {
  const result = parseMedicationRequestSearch(query(values));
  if (result.ok) throw new Error('accepted');
  return result.errors.map(({ field, rule }) => `${field} ${rule}`);
}

describe('a MedicationRequest search', () => {
  it('asks for any status, any date, twenty lines when nothing is said', () => {
    expect(parsed({})).toEqual({ authoredOn: {}, count: 20, impossible: false });
  });

  it('finds the patient by INS, as patient or as patient:identifier', () => {
    expect(parsed({ patient: INS }).patientIns).toBe(INS);
    expect(parsed({ 'patient:identifier': `urn:oid:1.2.250.1.213.1.4.8|${INS}` }).patientIns).toBe(INS);
    expect(parsed({ patient: INS, 'patient:identifier': `urn:oid:1.2.250.1.213.1.4.8|${INS}` }).impossible).toBe(false);
    expect(parsed({ patient: INS, 'patient:identifier': `urn:oid:1.2.250.1.213.1.4.8|${OTHER_INS}` }).impossible).toBe(true);
    expect(refused({ 'patient:identifier': `urn:oid:1.2.250.1.71.4.2.1|${INS}` })).toEqual(['patient:identifier isInsIdentifier']);
  });

  it('reads a status as the Ordo statuses it stands for: a comma is "any of", a repeat is "and"', () => {
    expect(parsed({ status: 'active' }).statuses?.sort()).toEqual(['CLAIMED', 'ISSUED', 'PARTIALLY_DISPENSED']);
    expect(parsed({ status: 'completed,cancelled' }).statuses?.sort()).toEqual(['CANCELLED', 'DISPENSED']);
    expect(parsed({ status: 'http://hl7.org/fhir/CodeSystem/medicationrequest-status|stopped' }).statuses).toEqual(['EXPIRED']);
    expect(parsed({ status: ['active,completed', 'completed'] }).statuses).toEqual(['DISPENSED']);
    expect(parsed({ status: 'draft' }).statuses).toEqual([]);
    expect(refused({ status: 'ISSUED' })).toEqual(['status isMedicationRequestStatus']);
    expect(refused({ status: 'http://example.org|active' })).toEqual(['status isMedicationRequestStatus']);
  });

  it('names every parameter at fault at once', () => {
    expect(refused({ status: 'open', authoredon: ['ne2026-01-01', '2026-02-30'] })).toEqual([
      'status isMedicationRequestStatus',
      'authoredon supportedPrefix',
      'authoredon isFhirDate',
    ]);
  });
});

describe('authoredon', () => {
  it('reads a day as the day in Paris, winter and summer', () => {
    expect(searchRange('2026-01-15')).toEqual({ start: new Date('2026-01-14T23:00:00.000Z'), end: new Date('2026-01-15T23:00:00.000Z') });
    expect(searchRange('2026-07-15')).toEqual({ start: new Date('2026-07-14T22:00:00.000Z'), end: new Date('2026-07-15T22:00:00.000Z') });
  });

  it('reads the day clocks go forward as 23 hours, and months and years whole', () => {
    expect(searchRange('2026-03-29')).toEqual({ start: new Date('2026-03-28T23:00:00.000Z'), end: new Date('2026-03-29T22:00:00.000Z') });
    expect(searchRange('2026-12')).toEqual({ start: new Date('2026-11-30T23:00:00.000Z'), end: new Date('2026-12-31T23:00:00.000Z') });
    expect(searchRange('2026')).toEqual({ start: new Date('2025-12-31T23:00:00.000Z'), end: new Date('2026-12-31T23:00:00.000Z') });
  });

  it('reads a dateTime at its own precision and zone', () => {
    expect(searchRange('2026-03-01T10:30+01:00')).toEqual({
      start: new Date('2026-03-01T09:30:00.000Z'),
      end: new Date('2026-03-01T09:31:00.000Z'),
    });
    expect(searchRange('2026-03-01T09:30:15Z')).toEqual({
      start: new Date('2026-03-01T09:30:15.000Z'),
      end: new Date('2026-03-01T09:30:16.000Z'),
    });
  });

  it.each(['2026-02-30', '2026-13', '26-01-01', '2026-03-01T10:30', '2026-03-01T25:00Z', 'yesterday', ''])('refuses %j', (value) => {
    expect(searchRange(value)).toBeUndefined();
  });

  it('turns each prefix into bounds on the moment of issue', () => {
    const day = { start: new Date('2026-01-14T23:00:00.000Z'), end: new Date('2026-01-15T23:00:00.000Z') };
    expect(authoredOnBounds('2026-01-15')).toEqual({ ok: true, bounds: { from: day.start, before: day.end } });
    expect(authoredOnBounds('eq2026-01-15')).toEqual({ ok: true, bounds: { from: day.start, before: day.end } });
    expect(authoredOnBounds('ge2026-01-15')).toEqual({ ok: true, bounds: { from: day.start } });
    expect(authoredOnBounds('gt2026-01-15')).toEqual({ ok: true, bounds: { from: day.end } });
    expect(authoredOnBounds('sa2026-01-15')).toEqual({ ok: true, bounds: { from: day.end } });
    expect(authoredOnBounds('lt2026-01-15')).toEqual({ ok: true, bounds: { before: day.start } });
    expect(authoredOnBounds('eb2026-01-15')).toEqual({ ok: true, bounds: { before: day.start } });
    expect(authoredOnBounds('le2026-01-15')).toEqual({ ok: true, bounds: { before: day.end } });
    expect(authoredOnBounds('ap2026-01-15')).toMatchObject({ ok: false, rule: 'supportedPrefix' });
  });

  it('keeps the tightest bounds of several values', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const later = new Date('2026-02-01T00:00:00Z');
    const before = new Date('2026-04-01T00:00:00Z');
    expect(intersectBounds([{ from }, { from: later, before }, { before: new Date('2026-05-01T00:00:00Z') }])).toEqual({
      from: later,
      before,
    });
    expect(intersectBounds([])).toEqual({});
  });
});

describe('paging', () => {
  function written(id: string, issuedAt: string, lineCount: number): PrescriptionRecord {
    const lines = Array.from({ length: lineCount }, (_, index) => ({ lineNo: index + 1 }) as PrescribedLine);
    return { id, issuedAt: new Date(issuedAt), lines } as PrescriptionRecord;
  }
  const newest = written('C000000000000000C0', '2026-03-03T00:00:00Z', 3);
  const middle = written('B000000000000000B0', '2026-03-02T00:00:00Z', 1);
  const oldest = written('A000000000000000A0', '2026-03-01T00:00:00Z', 2);
  const lineIds = (matches: { prescription: PrescriptionRecord; line: PrescribedLine }[]) =>
    matches.map(({ prescription, line }) => `${prescription.id[0]}${line.lineNo}`);

  it('cuts pages by lines, and says where the next one starts', () => {
    const first = pageOfLines([newest, middle, oldest], 2);
    expect(lineIds(first.matches)).toEqual(['C1', 'C2']);
    expect(first.next).toEqual({ issuedAt: newest.issuedAt, prescriptionId: newest.id, lineNo: 2 });

    // The next read starts at the cursor's prescription, whose remaining lines come first.
    const second = pageOfLines([newest, middle, oldest], 2, first.next);
    expect(lineIds(second.matches)).toEqual(['C3', 'B1']);
    const third = pageOfLines([middle, oldest], 2, second.next);
    expect(lineIds(third.matches)).toEqual(['A1', 'A2']);
    expect(third.next).toBeUndefined();
  });

  it('reads enough prescriptions to know a next page exists, even of one line each', () => {
    const ones = ['D', 'E', 'F', 'G'].map((letter, index) => written(`${letter}00000000000000000`, `2026-03-0${9 - index}T00:00:00Z`, 1));
    const cursor = { issuedAt: newest.issuedAt, prescriptionId: newest.id, lineNo: 3 };
    const read = [newest, ...ones].slice(0, prescriptionsToRead(2));
    const page = pageOfLines(read, 2, cursor);
    expect(lineIds(page.matches)).toEqual(['D1', 'E1']);
    expect(page.next).toBeDefined();
  });

  it('gives back only cursors it made', () => {
    const cursor = { issuedAt: new Date('2026-03-03T10:00:00.123Z'), prescriptionId: 'VFQEXDE5Z7ZXB6D741', lineNo: 2 };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor(Buffer.from('yesterday|x|1').toString('base64url'))).toBeUndefined();
    expect(decodeCursor(Buffer.from('2026-03-03T10:00:00Z|x|one').toString('base64url'))).toBeUndefined();
  });
});
