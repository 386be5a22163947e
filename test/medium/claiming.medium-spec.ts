// Every branch of claiming (docs/lifecycle.md#claims, docs/fraud.md#timeout-policy) through
// dispensing's real use case, repositories and database; fraud's verdict and Kafka are faked.
import { DispensingRefused, FiredRule, PrescriptionClaimed, PrescriptionScanned } from '@ordo/contracts';
import { randomUUID } from 'node:crypto';
import { finess, rpps } from '../support/fixtures';
import { DispensingUnderTest, MORPHINE, PARACETAMOL, outcomeOf, refusalOf } from './dispensing-under-test';

const PHARMACIE_DU_MARCHE = { finess: finess('75010001'), rpps: rpps('2000000001') };
const PHARMACIE_DE_LA_GARE = { finess: finess('75010002'), rpps: rpps('2000000002') };
const SHOPPING: FiredRule = { code: 'PHARMACY_SHOPPING', reason: 'presented at 3 pharmacies in 7 days', weight: 40 };

describe('claiming a prescription', () => {
  let dispensing: DispensingUnderTest;

  beforeAll(async () => {
    dispensing = await DispensingUnderTest.start();
  });

  afterAll(async () => {
    await dispensing?.stop();
  });

  beforeEach(() => dispensing.fraud.reset());

  afterEach(() => {
    expect(dispensing.broker.attempts).toEqual([]);
  });

  it('fraud allows: the pharmacy holds the prescription and a claimed event says fraud decided', async () => {
    const rx = await dispensing.issue([PARACETAMOL]);
    dispensing.fraud.answers('allow');

    const answer = await dispensing.claim(PHARMACIE_DU_MARCHE, { code: rx.code });

    expect(answer.verdict).toEqual({ decision: 'allow', source: 'fraud', reasons: [] });
    expect(answer.prescription).toMatchObject({ id: rx.id, status: 'CLAIMED', patient: rx.patient });
    expect(dispensing.fraud.asked(rx.id)).toEqual([
      {
        prescriptionId: rx.id,
        pharmacyFiness: PHARMACIE_DU_MARCHE.finess,
        pharmacistRpps: PHARMACIE_DU_MARCHE.rpps,
        patientPseudonym: rx.patientPseudonym,
        narcotic: false,
        typed: false,
      },
    ]);
    expect(await dispensing.claimsOf(rx.id)).toEqual([
      expect.objectContaining({
        id: answer.claimId,
        pharmacyFiness: PHARMACIE_DU_MARCHE.finess,
        status: 'open',
        verdictDecision: 'allow',
        verdictSource: 'fraud',
        expiresAt: new Date(answer.expiresAt),
      }),
    ]);
    expect(await dispensing.statusOf(rx.id)).toBe('CLAIMED');
    expect(await dispensing.emitted(PrescriptionClaimed, rx.id)).toEqual([
      {
        prescriptionId: rx.id,
        claimId: answer.claimId,
        pharmacyFiness: PHARMACIE_DU_MARCHE.finess,
        pharmacistRpps: PHARMACIE_DU_MARCHE.rpps,
        expiresAt: answer.expiresAt,
        decision: 'allow',
        verdictSource: 'fraud',
      },
    ]);
    expect(await dispensing.emitted(PrescriptionScanned, rx.id)).toEqual([
      {
        prescriptionId: rx.id,
        outcome: 'genuine',
        status: 'ISSUED',
        pharmacyFiness: PHARMACIE_DU_MARCHE.finess,
        pharmacistRpps: PHARMACIE_DU_MARCHE.rpps,
      },
    ]);
    expect(await dispensing.emitted(DispensingRefused, rx.id)).toEqual([]);
  });

  it('fraud asks for review: the claim is made and records the review and its reasons', async () => {
    const rx = await dispensing.issue([PARACETAMOL]);
    dispensing.fraud.answers('review', [SHOPPING]);

    const answer = await dispensing.claim(PHARMACIE_DU_MARCHE, { code: rx.code });

    expect(answer.verdict).toEqual({ decision: 'review', source: 'fraud', reasons: [{ code: SHOPPING.code, reason: SHOPPING.reason }] });
    expect(await dispensing.claimsOf(rx.id)).toEqual([
      expect.objectContaining({ id: answer.claimId, status: 'open', verdictDecision: 'review', verdictSource: 'fraud' }),
    ]);
    expect(await dispensing.statusOf(rx.id)).toBe('CLAIMED');
    expect(await dispensing.emitted(PrescriptionClaimed, rx.id)).toEqual([
      expect.objectContaining({ claimId: answer.claimId, decision: 'review', verdictSource: 'fraud' }),
    ]);
  });

  it('fraud denies: 409 FRAUD_DENIED with the rules, no claim, and a refused event carrying them', async () => {
    const rx = await dispensing.issue([PARACETAMOL]);
    dispensing.fraud.answers('deny', [SHOPPING]);

    const refusal = await refusalOf(dispensing.claim(PHARMACIE_DU_MARCHE, { code: rx.code }));

    expect(refusal).toMatchObject({ status: 409, code: 'FRAUD_DENIED', rules: [SHOPPING] });
    expect(await dispensing.claimsOf(rx.id)).toEqual([]);
    expect(await dispensing.statusOf(rx.id)).toBe('ISSUED');
    expect(await dispensing.emitted(PrescriptionClaimed, rx.id)).toEqual([]);
    expect(await dispensing.emitted(DispensingRefused, rx.id)).toEqual([
      {
        prescriptionId: rx.id,
        pharmacyFiness: PHARMACIE_DU_MARCHE.finess,
        pharmacistRpps: PHARMACIE_DU_MARCHE.rpps,
        reason: 'FRAUD_DENIED',
        message: expect.any(String),
        rules: [SHOPPING],
      },
    ]);
  });

  it('no verdict in time with a narcotic among the lines: fails closed with 503 FRAUD_UNAVAILABLE, no claim, the refusal recorded', async () => {
    const rx = await dispensing.issue([PARACETAMOL, MORPHINE]);
    dispensing.fraud.staysSilent();

    const refusal = await refusalOf(dispensing.claim(PHARMACIE_DU_MARCHE, { code: rx.code }));

    expect(refusal).toMatchObject({ status: 503, code: 'FRAUD_UNAVAILABLE' });
    expect(dispensing.fraud.asked(rx.id)).toEqual([expect.objectContaining({ narcotic: true })]);
    expect(await dispensing.claimsOf(rx.id)).toEqual([]);
    expect(await dispensing.statusOf(rx.id)).toBe('ISSUED');
    expect(await dispensing.emitted(PrescriptionClaimed, rx.id)).toEqual([]);
    expect(await dispensing.emitted(DispensingRefused, rx.id)).toEqual([
      expect.objectContaining({ pharmacyFiness: PHARMACIE_DU_MARCHE.finess, reason: 'FRAUD_UNAVAILABLE' }),
    ]);
  });

  it('no verdict in time without a narcotic: the claim proceeds, recorded as timeout-fail-open', async () => {
    const rx = await dispensing.issue([PARACETAMOL]);
    dispensing.fraud.staysSilent();

    const answer = await dispensing.claim(PHARMACIE_DU_MARCHE, { code: rx.code });

    expect(answer.verdict).toEqual({ decision: 'allow', source: 'timeout-fail-open', reasons: [] });
    expect(await dispensing.claimsOf(rx.id)).toEqual([
      expect.objectContaining({ id: answer.claimId, status: 'open', verdictDecision: 'allow', verdictSource: 'timeout-fail-open' }),
    ]);
    expect(await dispensing.statusOf(rx.id)).toBe('CLAIMED');
    expect(await dispensing.emitted(PrescriptionClaimed, rx.id)).toEqual([
      expect.objectContaining({ claimId: answer.claimId, decision: 'allow', verdictSource: 'timeout-fail-open' }),
    ]);
    expect(await dispensing.emitted(DispensingRefused, rx.id)).toEqual([]);
  });

  it('two pharmacies claiming at once: exactly one wins, the other gets 409 CLAIMED_ELSEWHERE', async () => {
    const rx = await dispensing.issue([PARACETAMOL]);
    dispensing.fraud.answersTogether(2);

    const pharmacies = [PHARMACIE_DU_MARCHE, PHARMACIE_DE_LA_GARE];
    const outcomes = await Promise.all(pharmacies.map((pharmacy) => outcomeOf(dispensing.claim(pharmacy, { code: rx.code }))));

    // Both were past their first look at the prescription when fraud answered: the row lock decided.
    expect(dispensing.fraud.asked(rx.id)).toHaveLength(2);
    expect(outcomes.filter((outcome) => 'claimed' in outcome)).toHaveLength(1);
    expect(outcomes.find((outcome) => 'refused' in outcome)).toEqual({
      refused: expect.objectContaining({ status: 409, code: 'CLAIMED_ELSEWHERE' }),
    });
    const winner = pharmacies[outcomes.findIndex((outcome) => 'claimed' in outcome)];
    const loser = pharmacies[outcomes.findIndex((outcome) => 'refused' in outcome)];
    expect(await dispensing.claimsOf(rx.id)).toEqual([expect.objectContaining({ pharmacyFiness: winner.finess, status: 'open' })]);
    expect(await dispensing.emitted(PrescriptionClaimed, rx.id)).toEqual([expect.objectContaining({ pharmacyFiness: winner.finess })]);
    expect(await dispensing.emitted(DispensingRefused, rx.id)).toEqual([
      expect.objectContaining({ pharmacyFiness: loser.finess, reason: 'CLAIMED_ELSEWHERE' }),
    ]);
  });

  it('a pharmacy arriving after another has claimed is refused with 409 CLAIMED_ELSEWHERE before fraud is asked', async () => {
    const rx = await dispensing.issue([PARACETAMOL]);
    const first = await dispensing.claim(PHARMACIE_DU_MARCHE, { code: rx.code });

    const refusal = await refusalOf(dispensing.claim(PHARMACIE_DE_LA_GARE, { typedId: rx.typedId }));

    expect(refusal).toMatchObject({ status: 409, code: 'CLAIMED_ELSEWHERE' });
    expect(dispensing.fraud.asked(rx.id)).toEqual([expect.objectContaining({ pharmacyFiness: PHARMACIE_DU_MARCHE.finess })]);
    expect(await dispensing.claimsOf(rx.id)).toEqual([
      expect.objectContaining({ id: first.claimId, pharmacyFiness: PHARMACIE_DU_MARCHE.finess }),
    ]);
    expect(await dispensing.emitted(DispensingRefused, rx.id)).toEqual([
      expect.objectContaining({ pharmacyFiness: PHARMACIE_DE_LA_GARE.finess, reason: 'CLAIMED_ELSEWHERE' }),
    ]);
  });

  it('a retry with the same Idempotency-Key and body gets the same answer and makes no second claim', async () => {
    const rx = await dispensing.issue([PARACETAMOL]);
    const key = `claim-${randomUUID()}`;

    const first = await dispensing.claim(PHARMACIE_DU_MARCHE, { code: rx.code }, key);
    const retried = await dispensing.claim(PHARMACIE_DU_MARCHE, { code: rx.code }, key);

    expect(retried).toEqual(first);
    expect(dispensing.fraud.asked(rx.id)).toHaveLength(1);
    expect(await dispensing.claimsOf(rx.id)).toEqual([expect.objectContaining({ id: first.claimId })]);
    expect(await dispensing.emitted(PrescriptionClaimed, rx.id)).toHaveLength(1);
    expect(await dispensing.emitted(DispensingRefused, rx.id)).toEqual([]);
  });

  it('a retry sent while the first try still waits for fraud gets the first answer, not CLAIMED_ELSEWHERE', async () => {
    const rx = await dispensing.issue([PARACETAMOL]);
    const key = `claim-${randomUUID()}`;
    dispensing.fraud.answersTogether(2);

    const [first, retried] = await Promise.all([
      dispensing.claim(PHARMACIE_DU_MARCHE, { code: rx.code }, key),
      dispensing.claim(PHARMACIE_DU_MARCHE, { code: rx.code }, key),
    ]);

    expect(retried).toEqual(first);
    expect(await dispensing.claimsOf(rx.id)).toEqual([expect.objectContaining({ id: first.claimId })]);
    expect(await dispensing.emitted(PrescriptionClaimed, rx.id)).toHaveLength(1);
    expect(await dispensing.emitted(DispensingRefused, rx.id)).toEqual([]);
  });

  it('the same Idempotency-Key with another body is refused with 422 IDEMPOTENCY_KEY_REUSED, and nothing is claimed', async () => {
    const rx = await dispensing.issue([PARACETAMOL]);
    const other = await dispensing.issue([PARACETAMOL]);
    const key = `claim-${randomUUID()}`;
    const first = await dispensing.claim(PHARMACIE_DU_MARCHE, { code: rx.code }, key);

    const refusal = await refusalOf(dispensing.claim(PHARMACIE_DU_MARCHE, { code: other.code }, key));

    expect(refusal).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await dispensing.claimsOf(rx.id)).toEqual([expect.objectContaining({ id: first.claimId })]);
    expect(await dispensing.claimsOf(other.id)).toEqual([]);
    expect(await dispensing.statusOf(other.id)).toBe('ISSUED');
    expect(dispensing.fraud.asked(other.id)).toEqual([]);
    expect(await dispensing.emitted(DispensingRefused, other.id)).toEqual([]);
  });
});
