import { buildFraudConfig } from '../config/fraud-config';
import { classifyLine } from '../config/medicine-lists';
import { FraudRuleEngine } from '../rules/fraud-rule-engine';
import { CheckStanding } from './check-standing.reader';
import { projectVerdict } from './answer-fraud-check.usecase';
import { RecentPresentations } from './recent-presentations';

const config = buildFraudConfig();
const engine = new FraudRuleEngine(config);
const at = new Date('2026-11-20T10:00:00Z');
const request = { prescriptionId: '0000000000000000' + '00', pharmacyFiness: '690000005', narcotic: false };

function standing(overrides: Partial<CheckStanding> & { rx?: Partial<NonNullable<CheckStanding['prescription']>> } = {}): CheckStanding {
  const { rx, ...rest } = overrides;
  return {
    prescription: {
      patientPseudonym: 'p1',
      prescriberRpps: '10000000009',
      status: 'issued',
      narcotic: false,
      watchList: 'zolpidem',
      issuedAt: new Date('2026-11-20T08:00:00Z'),
      firstPresentedAt: null,
      ...rx,
    },
    held: false,
    ownHits: [{ code: 'WATCH_LIST_MOLECULE', weight: 10, reason: 'watch-list' }],
    patientHits: [],
    pharmacies: [],
    ...rest,
  };
}

const project = (s: CheckStanding, recent: string[] = [], presented = false) =>
  projectVerdict(request, s, recent, presented, at, engine, config);

describe('pre-dispense verdict projection', () => {
  it('allows a clean prescription, scoring what was already recorded', async () => {
    expect(await project(standing())).toMatchObject({ decision: 'allow', score: 10, holdsOnRecord: false });
  });

  it('denies the check that is the fifth pharmacy of a watched patient (it will place a hold), not the fourth', async () => {
    const fourth = await project(standing({ pharmacies: ['a', 'b'] }), ['c']);
    expect(fourth.decision).toBe('allow');
    const fifth = await project(standing({ pharmacies: ['a', 'b', 'c'] }), ['d']);
    expect(fifth).toMatchObject({ decision: 'deny', holdsOnRecord: true, score: 85 });
    expect(fifth.reasons.map((r) => r.code)).toEqual(['WATCH_LIST_MOLECULE', 'PHARMACY_SHOPPING']);
  });

  it('does not count pharmacies for a prescription with nothing watched', async () => {
    const verdict = await project(standing({ rx: { watchList: '' }, ownHits: [], pharmacies: ['a', 'b', 'c', 'd', 'e'] }));
    expect(verdict).toMatchObject({ decision: 'allow', score: 0 });
  });

  it('denies while on hold, reviews once lifted with the score still high, allows once the hits are dismissed', async () => {
    const hits = [
      { code: 'NARCOTIC_NOT_SECURE', weight: 50, reason: 'x' },
      { code: 'NARCOTIC_TOO_LONG', weight: 40, reason: 'y' },
    ];
    const rx = { narcotic: true, watchList: '', firstPresentedAt: new Date('2026-11-20T09:00:00Z') };
    expect((await project(standing({ rx, ownHits: hits, held: true }))).decision).toBe('deny');
    expect(await project(standing({ rx, ownHits: hits }))).toMatchObject({ decision: 'review', score: 90, holdsOnRecord: false });
    expect(await project(standing({ rx, ownHits: [] }))).toMatchObject({ decision: 'allow', score: 0 });
  });

  it('projects a late narcotic on its first presentation only', async () => {
    const late = { narcotic: true, watchList: '', issuedAt: new Date('2026-11-15T10:00:00Z') };
    expect((await project(standing({ rx: late, ownHits: [] }))).reasons.map((r) => r.code)).toEqual(['NARCOTIC_PRESENTED_LATE']);
    expect((await project(standing({ rx: late, ownHits: [] }), [], true)).reasons).toEqual([]);
  });

  it('reads an attempt after cancel, and adds the patient score from the other prescriptions', async () => {
    const verdict = await project(
      standing({
        rx: { status: 'cancelled', watchList: '' },
        ownHits: [],
        patientHits: [{ code: 'DOCTOR_SHOPPING', weight: 75, reason: 'z' }],
      }),
    );
    expect(verdict.reasons.map((r) => r.code).sort()).toEqual(['DISPENSE_AFTER_END', 'DOCTOR_SHOPPING']);
    expect(verdict).toMatchObject({ score: 125, decision: 'deny' });
  });

  it('answers from the hits alone for a prescription fraud has not seen yet', async () => {
    expect(await project({ held: false, ownHits: [], patientHits: [], pharmacies: [] })).toMatchObject({ decision: 'allow', score: 0 });
  });
});

describe('recent presentations', () => {
  it('remembers unrecorded visits per patient for ten minutes, watched ones apart', () => {
    const recent = new RecentPresentations();
    recent.remember('p', 'rx1', 'a', true, at);
    recent.remember('p', 'rx2', 'b', false, at);
    expect(recent.pharmaciesOf('p', at, true)).toEqual(['a']);
    expect(recent.pharmaciesOf('p', at, false)).toEqual(['a', 'b']);
    expect(recent.pharmaciesOf('p', new Date(at.getTime() + 11 * 60_000), false)).toEqual([]);
  });
});

describe('line classification', () => {
  const lists = { narcotics: config.narcotics, watchList: config.watchList };
  it('reads the BDPM regulation when the line carries it', () => {
    expect(
      classifyLine({ label: 'SKENAN L.P. 10 mg', regulation: { narcotic: true, substances: ['MORPHINE (SULFATE DE)'] } }, lists),
    ).toEqual({
      narcotic: true,
      watched: [],
      source: 'regulation',
    });
    // A brand name that hides its substance: the regulation names it.
    expect(
      classifyLine({ label: 'STILNOX 10 mg', regulation: { narcotic: false, substances: ['ZOLPIDEM (TARTRATE DE)'] } }, lists).watched,
    ).toEqual(['zolpidem']);
    expect(classifyLine({ label: 'LYRICA 75 mg', regulation: { narcotic: false, substances: ['PRÉGABALINE'] } }, lists).watched).toEqual([
      'pregabaline',
    ]);
  });
  it('trusts the regulation over a misleading label', () => {
    expect(classifyLine({ label: 'MORPHINE-LIKE NAME', regulation: { narcotic: false, substances: ['PARACÉTAMOL'] } }, lists)).toEqual({
      narcotic: false,
      watched: [],
      source: 'regulation',
    });
    expect(classifyLine({ label: 'ANYTHING', regulation: { narcotic: true, substances: ['FENTANYL'] } }, lists).narcotic).toBe(true);
  });
  it('falls back to the label when regulation is absent', () => {
    expect(classifyLine({ label: 'OXYCODONE VIATRIS 10 mg, gélule' }, lists)).toEqual({ narcotic: true, watched: [], source: 'label' });
    expect(classifyLine({ label: 'TRAMADOL BIOGARAN 50 mg, gélule' }, lists)).toEqual({
      narcotic: false,
      watched: ['tramadol'],
      source: 'label',
    });
  });
});
