// Scanning through dispensing's real use case and database: each presentation is recorded once for
// fraud, and a retry with the same Idempotency-Key (a client's, or the balancer's after an instance
// died) records nothing more.
import { PrescriptionScanned } from '@ordo/contracts';
import { finess, rpps } from '../support/fixtures';
import { DispensingUnderTest, PARACETAMOL } from './dispensing-under-test';

const PHARMACIE_DU_MARCHE = { finess: finess('75020001'), rpps: rpps('2000000011') };

describe('scanning a prescription', () => {
  let dispensing: DispensingUnderTest;

  beforeAll(async () => {
    dispensing = await DispensingUnderTest.start();
  });

  afterAll(async () => {
    await dispensing?.stop();
  });

  it('shows the prescription and records one presentation per scan without a key', async () => {
    const rx = await dispensing.issue([PARACETAMOL]);

    const first = await dispensing.scan(PHARMACIE_DU_MARCHE, { code: rx.code });
    await dispensing.scan(PHARMACIE_DU_MARCHE, { code: rx.code });

    expect(first).toMatchObject({ verification: 'genuine', prescription: { id: rx.id, status: 'ISSUED', patient: rx.patient } });
    expect(await dispensing.emitted(PrescriptionScanned, rx.id)).toHaveLength(2);
  });

  it('answers a retry with the same Idempotency-Key with the first answer and records the presentation once', async () => {
    const rx = await dispensing.issue([PARACETAMOL]);

    const first = await dispensing.scan(PHARMACIE_DU_MARCHE, { code: rx.code }, 'scan-retry-0001');
    const retried = await dispensing.scan(PHARMACIE_DU_MARCHE, { code: rx.code }, 'scan-retry-0001');

    expect(retried).toEqual(first);
    expect(await dispensing.emitted(PrescriptionScanned, rx.id)).toEqual([
      {
        prescriptionId: rx.id,
        outcome: 'genuine',
        status: 'ISSUED',
        pharmacyFiness: PHARMACIE_DU_MARCHE.finess,
        pharmacistRpps: PHARMACIE_DU_MARCHE.rpps,
      },
    ]);
  });

  it('refuses the same key sent with another code with 422 IDEMPOTENCY_KEY_REUSED, recording nothing', async () => {
    const rx = await dispensing.issue([PARACETAMOL]);
    const other = await dispensing.issue([PARACETAMOL]);
    await dispensing.scan(PHARMACIE_DU_MARCHE, { code: rx.code }, 'scan-reused-001');

    await expect(dispensing.scan(PHARMACIE_DU_MARCHE, { code: other.code }, 'scan-reused-001')).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
      status: 422,
    });
    expect(await dispensing.emitted(PrescriptionScanned, other.id)).toEqual([]);
  });
});
