import { DispensingRefused, PrescriptionDispensed, PrescriptionIssued, PrescriptionScanned, Topics } from '@ordo/contracts';
import { randomUUID } from 'node:crypto';
import { finess, rpps } from '../support/fixtures';
import { OrdoSystem, eventually } from '../support/ordo-system';
import { readTopic } from '../support/topic-reader';
import { FraudTraffic } from './fraud-traffic';

/**
 * The fraud service as its own process on the real broker and database. Prescribing's and
 * dispensing's events are played onto Kafka by the test; analysts use the HTTP API.
 */
describe('fraud: rules, verdicts, holds and cases', () => {
  let system: OrdoSystem;
  let traffic: FraudTraffic;
  let analyst: string;
  const pharmacyA = finess('75000001');
  const pharmacyB = finess('13000002');
  const pharmacist = rpps('2000000000');

  beforeAll(async () => {
    system = await OrdoSystem.start(15000, ['fraud'], { PARKED_SWEEP_INTERVAL_MS: '500' });
    traffic = new FraudTraffic();
    await traffic.start();
    analyst = await system.token({ role: 'fraud-analyst' });
  });

  afterAll(async () => {
    await traffic?.stop();
    await system?.stop();
  });

  const alertsOf = (query: string) =>
    eventually(
      async () => {
        const response = await system.request('fraud', 'GET', `/v1/alerts?${query}`, { token: analyst });
        return response.body.items?.length ? response.body : undefined;
      },
      30000,
      `alerts for ${query}`,
    );

  /** Waits until fraud has recorded the prescription, so what follows is read against it. */
  const known = (id: string) =>
    eventually(
      async () => {
        const { rows } = await (await system.db('fraud')).query('SELECT 1 FROM watched_prescription WHERE id = $1', [id]);
        return rows.length ? true : undefined;
      },
      30000,
      `fraud to record ${id}`,
    );

  const fraudEventsOf = async (subject: string, types: string[]) =>
    (await readTopic(Topics.fraud, (messages) => types.every((type) => messages.some((m) => m.key === subject && m.event?.type === type))))
      .filter((m) => m.key === subject)
      .map((m) => m.event!);

  it('raises a review alert on a double-dispense attempt, with the refused event as evidence', async () => {
    const patient = traffic.patient();
    const issued = traffic.issuedData({ patient });
    const id = issued.prescriptionId;
    await traffic.emit(PrescriptionIssued, id, issued, '/ordo/prescribing');
    await traffic.emit(PrescriptionDispensed, id, {
      prescriptionId: id,
      dispensationId: randomUUID(),
      pharmacyFiness: pharmacyA,
      pharmacistRpps: pharmacist,
      complete: true,
      lines: [{ lineNo: 1, quantity: 24 }],
    });
    const refused = await traffic.emit(DispensingRefused, id, {
      prescriptionId: id,
      pharmacyFiness: pharmacyB,
      pharmacistRpps: pharmacist,
      reason: 'ALREADY_DISPENSED',
      message: 'already dispensed',
    });

    const page = await alertsOf(`prescriptionId=${id}`);
    expect(page.total).toBe(1);
    const [alert] = page.items;
    expect(alert).toMatchObject({ prescriptionId: id, patientPseudonym: patient, level: 'review', status: 'open', score: 60 });
    expect(alert.rules).toEqual([
      { code: 'DOUBLE_DISPENSE_ATTEMPT', weight: 60, reason: `pharmacy ${pharmacyB} tried to dispense a prescription already dispensed` },
    ]);
    expect(alert.evidence).toEqual([
      expect.objectContaining({
        eventId: refused.id,
        type: DispensingRefused.type,
        data: expect.objectContaining({ reason: 'ALREADY_DISPENSED' }),
      }),
    ]);
    const events = await fraudEventsOf(id, ['fr.ordo.fraud.alert-raised.v1']);
    expect(events[0].data).toMatchObject({ alertId: alert.id, level: 'review', evidence: [refused.id] });

    // A check now: the prescription is under review, not on hold.
    const verdict = await traffic.verdict(await traffic.check(id, patient, pharmacyB));
    expect(verdict).toMatchObject({ type: 'fr.ordo.fraud.verdict.v1', subject: id, source: '/ordo/fraud' });
    expect(verdict.data).toMatchObject({ prescriptionId: id, decision: 'review', score: 60 });
  });

  it('holds an insecure, too-long narcotic prescription, denies it, and lets an analyst lift the hold and close the case', async () => {
    const patient = traffic.patient();
    const issued = traffic.issuedData({ patient, label: 'SKENAN LP 30 mg, gélule', durationDays: 60, secure: false });
    const id = issued.prescriptionId;
    await traffic.emit(PrescriptionIssued, id, issued, '/ordo/prescribing');

    const page = await alertsOf(`prescriptionId=${id}&level=hold`);
    const [alert] = page.items;
    expect(alert.rules.map((rule: { code: string }) => rule.code).sort()).toEqual(['NARCOTIC_NOT_SECURE', 'NARCOTIC_TOO_LONG']);
    expect(alert.score).toBe(90);
    const placed = await fraudEventsOf(id, ['fr.ordo.fraud.hold-placed.v1']);
    expect(placed.find((e) => e.type === 'fr.ordo.fraud.hold-placed.v1')!.data).toMatchObject({
      prescriptionId: id,
      placedBy: 'rules',
      alertId: alert.id,
    });

    const denied = await traffic.verdict(await traffic.check(id, patient, pharmacyA, true));
    expect(denied.data.decision).toBe('deny');
    expect(denied.data.reasons.map((rule: { code: string }) => rule.code)).toEqual(
      expect.arrayContaining(['NARCOTIC_NOT_SECURE', 'NARCOTIC_TOO_LONG']),
    );

    // The analyst's hold on top of the rules' one is refused: one hold at a time.
    const again = await system.request('fraud', 'POST', `/v1/alerts/${alert.id}/hold`, { token: analyst, body: { reason: 'again' } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('HOLD_ALREADY_ACTIVE');

    const lifted = await system.request('fraud', 'POST', `/v1/holds/${id}/lift`, {
      token: analyst,
      body: { reason: 'prescriber called: palliative care' },
    });
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({
      prescriptionId: id,
      liftedBy: expect.any(String),
      liftReason: 'prescriber called: palliative care',
    });
    const afterLift = await traffic.verdict(await traffic.check(id, patient, pharmacyA, true));
    expect(afterLift.data.decision).toBe('review');

    const closed = await system.request('fraud', 'POST', `/v1/alerts/${alert.id}/close`, {
      token: analyst,
      body: { resolution: 'false-positive', reason: 'palliative care, secure form on paper' },
    });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', resolution: 'false-positive' });
    const afterClose = await traffic.verdict(await traffic.check(id, patient, pharmacyA, true));
    expect(afterClose.data).toMatchObject({ decision: 'allow', score: 0 });

    const closedTwice = await system.request('fraud', 'POST', `/v1/alerts/${alert.id}/close`, {
      token: analyst,
      body: { resolution: 'false-positive', reason: 'twice' },
    });
    expect(closedTwice.status).toBe(409);

    const events = await fraudEventsOf(id, ['fr.ordo.fraud.hold-lifted.v1', 'fr.ordo.fraud.case-closed.v1']);
    expect(events.find((e) => e.type === 'fr.ordo.fraud.case-closed.v1')!.data).toMatchObject({
      alertId: alert.id,
      resolution: 'false-positive',
      reason: 'palliative care, secure form on paper',
    });
    const audit = await system.request('fraud', 'GET', `/v1/audit?prescriptionId=${id}`, { token: analyst });
    expect(audit.body.items.map((entry: { action: string; actor: string }) => [entry.action, entry.actor === 'rules'])).toEqual([
      ['case-closed', false],
      ['hold-lifted', false],
      ['hold-placed', true],
    ]);
  });

  it('holds a prescription whose code was forged, and finds the case by rule', async () => {
    const patient = traffic.patient();
    const issued = traffic.issuedData({ patient });
    const id = issued.prescriptionId;
    await traffic.emit(PrescriptionIssued, id, issued, '/ordo/prescribing');
    await traffic.emit(PrescriptionScanned, id, {
      prescriptionId: id,
      outcome: 'forged-signature',
      kid: 'k1',
      pharmacyFiness: pharmacyA,
      pharmacistRpps: pharmacist,
    });
    const page = await alertsOf(`rule=FORGED_CODE&prescriptionId=${id}`);
    expect(page.items[0]).toMatchObject({ level: 'hold', score: 80, ruleCodes: ['FORGED_CODE'] });
    const holds = await system.request('fraud', 'GET', `/v1/holds/${id}`, { token: analyst });
    expect(holds.body.items).toEqual([expect.objectContaining({ prescriptionId: id, placedBy: 'rules', liftedAt: null })]);
  });

  it('fires doctor shopping once, when the fifth prescriber of a watch-list molecule is seen, not before', async () => {
    const patient = traffic.patient();
    const ids: string[] = [];
    for (let n = 1; n <= 5; n++) {
      const issued = traffic.issuedData({ patient, prescriber: rpps(`300000000${n}`), label: 'TRAMADOL BIOGARAN 50 mg, gélule' });
      ids.push(issued.prescriptionId);
      await traffic.emit(PrescriptionIssued, issued.prescriptionId, issued, '/ordo/prescribing');
    }
    // The five arrive on different partitions in any order: the one processed last completes the set.
    const page = await alertsOf(`patientPseudonym=${encodeURIComponent(patient)}&rule=DOCTOR_SHOPPING`);
    expect(page.total).toBe(1);
    expect(ids).toContain(page.items[0].prescriptionId);
    expect(page.items[0].rules.find((rule: { code: string }) => rule.code === 'DOCTOR_SHOPPING').reason).toBe(
      'the patient had prescriptions from 5 prescribers in 90 days (limit 5)',
    );
  });

  it('holds a multiple provider episode: the same GLP-1 from four prescribers at four pharmacies within days, with the providers and overlapping supplies behind it', async () => {
    const patient = traffic.patient();
    const regulation = {
      narcotic: false,
      listI: true,
      listII: false,
      securePrescription: false,
      quantitiesInWords: false,
      substances: ['SÉMAGLUTIDE'],
    };
    const ids: string[] = [];
    for (let n = 1; n <= 4; n++) {
      const issued = traffic.issuedData({
        patient,
        prescriber: rpps(`520000000${n}`),
        label: 'OZEMPIC 0,25 mg, solution injectable en stylo prérempli',
        quantity: 1,
        durationDays: 28,
        issuedAt: new Date(Date.now() - (4 - n) * 86_400_000),
        regulation,
      });
      ids.push(issued.prescriptionId);
      await traffic.emit(PrescriptionIssued, issued.prescriptionId, issued, '/ordo/prescribing');
      await known(issued.prescriptionId);
      await traffic.emit(PrescriptionDispensed, issued.prescriptionId, {
        prescriptionId: issued.prescriptionId,
        dispensationId: randomUUID(),
        pharmacyFiness: finess(`5200000${n}`),
        pharmacistRpps: pharmacist,
        complete: true,
        lines: [{ lineNo: 1, quantity: 1 }],
      });
    }
    const page = await alertsOf(`patientPseudonym=${encodeURIComponent(patient)}&rule=MULTIPLE_PROVIDER_EPISODE`);
    const alert = page.items[0];
    expect(alert.prescriptionId).toBe(ids[3]);
    expect(alert.level).toBe('hold');
    expect(alert.ruleCodes).toEqual(expect.arrayContaining(['MULTIPLE_PROVIDER_EPISODE', 'SUPPLY_OVERLAP', 'WATCH_LIST_MOLECULE']));
    const signal = (code: string) => alert.signals.find((item: { code: string }) => item.code === code);
    const episode = signal('MULTIPLE_PROVIDER_EPISODE');
    expect(episode.reason).toBe('multiple provider episode: the patient had 4 prescribers and 4 pharmacies in 90 days (limit 4 and 4)');
    expect(episode.details.prescribers.map((p: { rpps: string }) => p.rpps).sort()).toEqual([1, 2, 3, 4].map((n) => rpps(`520000000${n}`)));
    expect(episode.details.pharmacies.map((p: { finess: string }) => p.finess).sort()).toEqual(
      [1, 2, 3, 4].map((n) => finess(`5200000${n}`)),
    );
    expect(episode.eventType).toBe(PrescriptionDispensed.type);
    const overlap = signal('SUPPLY_OVERLAP');
    expect(overlap.details.moleculeClass).toBe('glp-1');
    expect(overlap.details.overlapping.map((s: { prescriptionId: string }) => s.prescriptionId).sort()).toEqual(ids.slice(0, 3).sort());
    expect(overlap.details.overlapping[0].overlapDays).toBeGreaterThan(7);
  });

  it('flags a prescriber writing a watched molecule for ten patients never seen before in one day, not at nine', async () => {
    const prescriber = rpps('5300000000');
    const ids: string[] = [];
    for (let n = 1; n <= 10; n++) {
      const issued = traffic.issuedData({ patient: traffic.patient(), prescriber, label: 'PREGABALINE BIOGARAN 75 mg, gélule' });
      ids.push(issued.prescriptionId);
      await traffic.emit(PrescriptionIssued, issued.prescriptionId, issued, '/ordo/prescribing');
      await known(issued.prescriptionId);
    }
    const page = await alertsOf(`rule=PRESCRIBER_NEW_PATIENT_BURST&prescriptionId=${ids[9]}`);
    const burst = page.items[0].signals.find((item: { code: string }) => item.code === 'PRESCRIBER_NEW_PATIENT_BURST');
    expect(burst.details).toMatchObject({ today: 10, usualMostInADay: 0, historyDays: 28 });
    expect(page.items[0].level).toBe('review');
    // The ninth was the weaker signal only: no case.
    const ninth = await system.request('fraud', 'GET', `/v1/alerts?prescriptionId=${ids[8]}`, { token: analyst });
    expect(ninth.body.items).toEqual([]);
  });

  it("flags a prescriber's day of watched molecules for new patients against their own mix, not one prescription short", async () => {
    // Four weeks of ordinary prescriptions for their own patients, none watched…
    const prescriber = rpps('5500000000');
    for (let n = 1; n <= 20; n++) {
      const issued = traffic.issuedData({ patient: traffic.patient(), prescriber, issuedAt: new Date(Date.now() - (n + 1) * 86_400_000) });
      await traffic.emit(PrescriptionIssued, issued.prescriptionId, issued, '/ordo/prescribing');
      await known(issued.prescriptionId);
    }
    // …then, today, six prescriptions of a watched molecule for patients never seen: too few for a burst.
    const ids: string[] = [];
    for (let n = 1; n <= 6; n++) {
      const issued = traffic.issuedData({ patient: traffic.patient(), prescriber, label: 'PREGABALINE BIOGARAN 75 mg, gélule' });
      ids.push(issued.prescriptionId);
      await traffic.emit(PrescriptionIssued, issued.prescriptionId, issued, '/ordo/prescribing');
      await known(issued.prescriptionId);
    }
    const page = await alertsOf(`rule=PRESCRIBER_WATCHED_DAY&prescriptionId=${ids[5]}`);
    expect(page.items[0].level).toBe('review');
    expect(page.items[0].ruleCodes.sort()).toEqual(['PRESCRIBER_NEW_PATIENTS', 'PRESCRIBER_WATCHED_DAY', 'WATCH_LIST_MOLECULE']);
    const day = page.items[0].signals.find((item: { code: string }) => item.code === 'PRESCRIBER_WATCHED_DAY');
    expect(day.details).toMatchObject({ watchedToday: 6, prescriptionsToday: 6, historyPrescriptions: 20, historyDays: 28 });
    expect(day.details.usualShare).toBeCloseTo(1 / 22);
    // The fifth was under both: no case.
    const fifth = await system.request('fraud', 'GET', `/v1/alerts?prescriptionId=${ids[4]}`, { token: analyst });
    expect(fifth.body.items).toEqual([]);
  });

  it('flags a line far above the usual units per day of its medicine, once that usual is known', async () => {
    // A label of its own, so that the usual is this test's.
    const label = `PREGABALINE ESSAI ${randomUUID().slice(0, 8)} 75 mg, gélule`;
    const prescriber = rpps('5400000000');
    for (let n = 1; n <= 20; n++) {
      const issued = traffic.issuedData({
        patient: traffic.patient(),
        prescriber: rpps(`54000000${String(n).padStart(2, '0')}`),
        label,
        quantity: 28,
        durationDays: 14,
      });
      await traffic.emit(PrescriptionIssued, issued.prescriptionId, issued, '/ordo/prescribing');
      await known(issued.prescriptionId);
    }
    const high = traffic.issuedData({ patient: traffic.patient(), prescriber, label, quantity: 70, durationDays: 14 });
    await traffic.emit(PrescriptionIssued, high.prescriptionId, high, '/ordo/prescribing');
    const page = await alertsOf(`rule=QUANTITY_ABOVE_USUAL&prescriptionId=${high.prescriptionId}`);
    const signal = page.items[0].signals.find((item: { code: string }) => item.code === 'QUANTITY_ABOVE_USUAL');
    expect(signal.details).toMatchObject({ unitsPerDay: 5, samples: 20 });
    expect(signal.details.usualUnitsPerDay).toBeCloseTo(2);
  });

  it('answers checks from several pharmacies with allow, then deny when pharmacy shopping crosses the hold threshold', async () => {
    const patient = traffic.patient();
    const prescriber = rpps('4000000000');
    const decisions: string[] = [];
    for (let n = 1; n <= 5; n++) {
      const issued = traffic.issuedData({ patient, prescriber, label: 'ZOLPIDEM ARROW 10 mg, comprimé' });
      await traffic.emit(PrescriptionIssued, issued.prescriptionId, issued, '/ordo/prescribing');
      await known(issued.prescriptionId);
      const verdict = await traffic.verdict(await traffic.check(issued.prescriptionId, patient, finess(`6900000${n}`)));
      decisions.push(verdict.data.decision);
      if (n === 5) {
        expect(verdict.data.reasons.map((rule: { code: string }) => rule.code)).toContain('PHARMACY_SHOPPING');
      }
    }
    expect(decisions).toEqual(['allow', 'allow', 'allow', 'allow', 'deny']);
  });

  it('applies visits that reached fraud before their prescription did, once it arrives', async () => {
    const patient = traffic.patient();
    const prescriber = rpps('4100000000');
    // Four watched prescriptions dispensed at four pharmacies, in the usual order.
    for (let n = 1; n <= 4; n++) {
      const issued = traffic.issuedData({ patient, prescriber, label: 'TRAMADOL BIOGARAN 50 mg, gélule' });
      await traffic.emit(PrescriptionIssued, issued.prescriptionId, issued, '/ordo/prescribing');
      await known(issued.prescriptionId);
      await traffic.emit(PrescriptionDispensed, issued.prescriptionId, {
        prescriptionId: issued.prescriptionId,
        dispensationId: randomUUID(),
        pharmacyFiness: finess(`3300000${n}`),
        pharmacistRpps: pharmacist,
        complete: true,
        lines: [{ lineNo: 1, quantity: 30 }],
      });
    }
    // The fifth pharmacy's dispensing reaches fraud before the prescription's issued event (the two
    // topics are consumed independently): it waits, and counts once the prescription is known.
    const fifth = traffic.issuedData({ patient, prescriber, label: 'TRAMADOL BIOGARAN 50 mg, gélule' });
    const dispensed = await traffic.emit(PrescriptionDispensed, fifth.prescriptionId, {
      prescriptionId: fifth.prescriptionId,
      dispensationId: randomUUID(),
      pharmacyFiness: finess('33000005'),
      pharmacistRpps: pharmacist,
      complete: true,
      lines: [{ lineNo: 1, quantity: 30 }],
    });
    const db = await system.db('fraud');
    await eventually(
      async () => {
        const { rows } = await db.query('SELECT 1 FROM parked_event WHERE prescription_id = $1', [fifth.prescriptionId]);
        return rows.length ? true : undefined;
      },
      30000,
      'the early dispensing to be parked',
    );
    await traffic.emit(PrescriptionIssued, fifth.prescriptionId, fifth, '/ordo/prescribing');

    const page = await alertsOf(`patientPseudonym=${encodeURIComponent(patient)}&rule=PHARMACY_SHOPPING`);
    expect(page.items[0].prescriptionId).toBe(fifth.prescriptionId);
    expect(page.items[0].evidence.map((item: { eventId: string }) => item.eventId)).toContain(dispensed.id);
    const { rows: parked } = await db.query('SELECT 1 FROM parked_event WHERE prescription_id = $1', [fifth.prescriptionId]);
    expect(parked).toHaveLength(0);
    const { rows: rx } = await db.query('SELECT status, dispensings FROM watched_prescription WHERE id = $1', [fifth.prescriptionId]);
    expect(rx).toEqual([{ status: 'dispensed', dispensings: 1 }]);
  });

  it('drops presentations whose prescription never reached fraud within the window, and keeps recent ones', async () => {
    const db = await system.db('fraud');
    const [old, recent] = [traffic.issuedData({ patient: traffic.patient() }), traffic.issuedData({ patient: traffic.patient() })];
    await db.query(
      `INSERT INTO parked_event (prescription_id, event, parked_at) VALUES ($1, '{}', now() - interval '91 days'), ($2, '{}', now() - interval '89 days')`,
      [old.prescriptionId, recent.prescriptionId],
    );
    await eventually(
      async () => {
        const { rows } = await db.query('SELECT 1 FROM parked_event WHERE prescription_id = $1', [old.prescriptionId]);
        return rows.length === 0 ? true : undefined;
      },
      30000,
      'the 91-day-old parked presentation to be dropped',
    );
    const { rows } = await db.query('SELECT 1 FROM parked_event WHERE prescription_id = $1', [recent.prescriptionId]);
    expect(rows).toHaveLength(1);
  });

  it('flags overlapping narcotic prescriptions of one patient beyond the tolerance', async () => {
    const patient = traffic.patient();
    const now = Date.now();
    const label = 'OXYCODONE VIATRIS 10 mg, gélule';
    const first = traffic.issuedData({ patient, label, durationDays: 28, secure: true, issuedAt: new Date(now - 18 * 86_400_000) });
    const second = traffic.issuedData({
      patient,
      prescriber: rpps('5000000000'),
      label,
      durationDays: 28,
      secure: true,
      issuedAt: new Date(now),
    });
    await traffic.emit(PrescriptionIssued, first.prescriptionId, first, '/ordo/prescribing');
    await known(first.prescriptionId);
    await traffic.emit(PrescriptionIssued, second.prescriptionId, second, '/ordo/prescribing');
    const page = await alertsOf(`prescriptionId=${second.prescriptionId}&rule=NARCOTIC_OVERLAP`);
    expect(page.items[0].rules.find((rule: { code: string }) => rule.code === 'NARCOTIC_OVERLAP').reason).toMatch(/overlap by 10 days/);
  });

  it('reads narcotics from the BDPM regulation of the lines, not from their labels', async () => {
    const patient = traffic.patient();
    const regulation = {
      narcotic: true,
      listI: false,
      listII: false,
      securePrescription: true,
      quantitiesInWords: true,
      substances: ['MORPHINE (SULFATE DE)'],
    };
    // A label that names no narcotic: only the regulation block says it is one.
    const issued = traffic.issuedData({ patient, label: 'ANTALGIQUE LP 30 mg, gélule', durationDays: 60, secure: false, regulation });
    await traffic.emit(PrescriptionIssued, issued.prescriptionId, issued, '/ordo/prescribing');
    const page = await alertsOf(`prescriptionId=${issued.prescriptionId}&level=hold`);
    expect(page.items[0].ruleCodes.sort()).toEqual(['NARCOTIC_NOT_SECURE', 'NARCOTIC_TOO_LONG']);

    // And a narcotic-sounding label whose regulation says otherwise fires nothing.
    const plain = traffic.issuedData({
      patient: traffic.patient(),
      label: 'MORPHINE-FREE SIROP',
      durationDays: 60,
      regulation: { ...regulation, narcotic: false, securePrescription: false, substances: ['PARACÉTAMOL'] },
    });
    await traffic.emit(PrescriptionIssued, plain.prescriptionId, plain, '/ordo/prescribing');
    await known(plain.prescriptionId);
    const { rows } = await (
      await system.db('fraud')
    ).query('SELECT narcotic FROM watched_prescription WHERE id = $1', [plain.prescriptionId]);
    expect(rows[0].narcotic).toBe(false);
  });

  it('answers a redelivered check again but counts the visit once', async () => {
    const patient = traffic.patient();
    const issued = traffic.issuedData({ patient, label: 'ZOLPIDEM ARROW 10 mg, comprimé' });
    await traffic.emit(PrescriptionIssued, issued.prescriptionId, issued, '/ordo/prescribing');
    await known(issued.prescriptionId);
    const check = await traffic.checkEvent(issued.prescriptionId, patient, finess('69000009'));
    const first = await traffic.verdict(check.data.checkId);
    expect(first.data.decision).toBe('allow');
    await traffic.resend(check, Topics.fraudChecks);
    const db = await system.db('fraud');
    const visits = async () =>
      (
        await db.query(`SELECT count(*)::int AS n FROM patient_activity WHERE prescription_id = $1 AND kind = 'presented'`, [
          issued.prescriptionId,
        ])
      ).rows[0].n;
    await eventually(async () => ((await visits()) === 1 ? true : undefined), 30000, 'the check to be recorded');
    // The redelivery has been through the inbox consumer (it records checks in order per partition) once a later check is recorded.
    const later = await traffic.checkEvent(issued.prescriptionId, patient, finess('69000009'));
    await traffic.verdict(later.data.checkId);
    await eventually(
      async () => ((await db.query('SELECT 1 FROM inbox WHERE event_id = $1', [later.id])).rows.length ? true : undefined),
      30000,
      'the later check to be recorded',
    );
    expect(await visits()).toBe(2);
  });

  it("stops counting a closed false positive's hits for the patient, even when its case was opened before fraud knew the patient", async () => {
    const patient = traffic.patient();
    const first = traffic.issuedData({ patient, label: 'ZOLPIDEM ARROW 10 mg, comprimé' });
    // Another class than the first's: two zolpidem supplies at once would be a signal of their own (SUPPLY_OVERLAP).
    const second = traffic.issuedData({ patient, label: 'ALPRAZOLAM BIOGARAN 0,25 mg, comprimé' });
    // A forged code of the first reaches fraud before its issued event: the case names no patient.
    await traffic.emit(PrescriptionScanned, first.prescriptionId, {
      prescriptionId: first.prescriptionId,
      outcome: 'forged-signature',
      kid: 'k1',
      pharmacyFiness: pharmacyA,
      pharmacistRpps: pharmacist,
    });
    const [forged] = (await alertsOf(`rule=FORGED_CODE&prescriptionId=${first.prescriptionId}`)).items;
    expect(forged.patientPseudonym ?? null).toBeNull();
    for (const issued of [first, second]) {
      await traffic.emit(PrescriptionIssued, issued.prescriptionId, issued, '/ordo/prescribing');
      await known(issued.prescriptionId);
    }
    const before = await traffic.verdict(await traffic.check(second.prescriptionId, patient, pharmacyA));
    expect(before.data.decision).toBe('allow');
    const closed = await system.request('fraud', 'POST', `/v1/alerts/${forged.id}/close`, {
      token: analyst,
      body: { resolution: 'false-positive', reason: 'the pharmacy misread a worn code' },
    });
    expect(closed.status).toBe(200);
    // Read again from the database: the first's dismissed hits no longer count for the patient.
    const after = await traffic.verdict(await traffic.check(second.prescriptionId, patient, pharmacyA));
    expect(after.data.decision).toBe('allow');
  });

  it('read the standing of every check above from the database, and timed every verdict', async () => {
    // The worker reports its counts every second; every test above sent checks (holds, lifts, closings, shopping).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const metrics = (await system.request('fraud', 'GET', '/metrics')).body as string;
    const value = (line: RegExp) => Number(metrics.match(line)?.[1] ?? 0);
    const fromMemory = value(/^ordo_fraud_verdict_standings_total\{[^}]*source="memory"[^}]*\} (\d+)/m);
    const fromDatabase = value(/^ordo_fraud_verdict_standings_total\{[^}]*source="database"[^}]*\} (\d+)/m);
    // No verdict memory (docs/scaling.md#fraud-s-verdict-memory).
    expect(fromMemory).toBe(0);
    expect(fromDatabase).toBeGreaterThanOrEqual(5);
    // One time per verdict sent, each standing read once per verdict.
    expect(value(/^ordo_fraud_verdict_seconds_count(?:\{[^}]*\})? (\d+)/m)).toBe(fromMemory + fromDatabase);
    expect(value(/^ordo_fraud_verdict_seconds_bucket\{[^}]*le="\+Inf"[^}]*\} (\d+)/m)).toBe(fromMemory + fromDatabase);
  });

  it('refuses analysts bad input and other roles', async () => {
    const pharmacistToken = await system.token({ role: 'pharmacist', finess: pharmacyA, rpps: pharmacist });
    expect((await system.request('fraud', 'GET', '/v1/alerts', { token: pharmacistToken })).status).toBe(403);
    expect((await system.request('fraud', 'GET', '/v1/alerts')).status).toBe(401);
    const badFilter = await system.request('fraud', 'GET', '/v1/alerts?level=urgent', { token: analyst });
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.errors).toEqual([expect.objectContaining({ field: 'level' })]);
    const unknown = await system.request('fraud', 'POST', `/v1/alerts/${randomUUID()}/close`, {
      token: analyst,
      body: { resolution: 'false-positive', reason: 'x' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('ALERT_NOT_FOUND');
    const badResolution = await system.request('fraud', 'POST', `/v1/alerts/${randomUUID()}/close`, {
      token: analyst,
      body: { resolution: 'maybe', reason: 'x' },
    });
    expect(badResolution.status).toBe(400);
    expect(badResolution.body.errors).toEqual([expect.objectContaining({ field: 'resolution' })]);
    const noHold = await system.request('fraud', 'POST', `/v1/holds/${traffic.issuedData({ patient: 'x' }).prescriptionId}/lift`, {
      token: analyst,
      body: { reason: 'x' },
    });
    expect(noHold.status).toBe(404);
    expect(noHold.body.code).toBe('NO_ACTIVE_HOLD');
  });
});
