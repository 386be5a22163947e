import { Inject, Injectable } from '@nestjs/common';
import { PrescriptionIssued } from '@ordo/contracts';
import { EventContext } from '@ordo/messaging';
import { Assessment, AssessPrescription } from '../alerts/assess-prescription.usecase';
import { FRAUD_CONFIG, FraudConfig } from '../config/fraud-config';
import { classifyLine } from '../config/medicine-lists';
import { FraudFacts, SignalDetails, isNight, largestOverlapDays, localHour, overlappingSupplies } from '../rules/fraud-facts';
import { FraudRuleEngine } from '../rules/fraud-rule-engine';
import { FraudStateRepository } from './fraud-state.repository';
import { FraudWorkingSet } from './fraud-working-set';
import { WatchedLine, WatchedPrescription } from './watched-prescription.entity';

/** Remembers a new prescription and runs the rules that read how and for whom it was written. */
@Injectable()
export class RecordPrescriptionIssued {
  constructor(
    @Inject(FRAUD_CONFIG) private readonly config: FraudConfig,
    private readonly state: FraudStateRepository,
    private readonly engine: FraudRuleEngine,
    private readonly assess: AssessPrescription,
  ) {}

  async execute(context: EventContext, issued: PrescriptionIssued): Promise<Assessment | undefined> {
    const { manager } = context;
    const state = await this.state.workingSet(context);
    // The same prescription published again under another event id: already counted.
    if (state.prescription(issued.prescriptionId)) return undefined;
    const issuedAt = new Date(issued.issuedAt);
    const lines: WatchedLine[] = issued.lines.map((line) => {
      // The BDPM's regulation block when prescribing sent it; the label only for older events.
      const classification = classifyLine(line, this.config);
      return {
        lineNo: line.lineNo,
        label: line.label,
        ...(line.cis ? { cis: line.cis } : {}),
        ...(line.cip13 ? { cip13: line.cip13 } : {}),
        quantity: line.quantity,
        durationDays: line.durationDays,
        renewals: line.renewals,
        narcotic: classification.narcotic,
        watched: classification.watched,
        dispensed: 0,
      };
    });
    const narcoticDays = Math.max(0, ...lines.filter((line) => line.narcotic).map((line) => line.durationDays));
    const narcotic = narcoticDays > 0;
    const watchList = [...new Set(lines.flatMap((line) => line.watched))];
    const prescription = Object.assign(new WatchedPrescription(), {
      id: issued.prescriptionId,
      prescriberRpps: issued.prescriberRpps,
      patientPseudonym: issued.patientPseudonym,
      issuedAt,
      dispensings: 0,
      refusals: 0,
      status: 'issued' as const,
      secure: issued.secure,
      validUntil: new Date(issued.validUntil),
      lines,
      narcotic,
      narcoticUntil: narcotic ? new Date(issuedAt.getTime() + narcoticDays * 86_400_000) : null,
      watchList: watchList.join(','),
      firstPresentedAt: null,
    });
    const t = this.config.thresholds;
    const hour = localHour(issuedAt, this.config.timeZone);
    const night = isNight(hour, this.config.nightHours);
    const history = state.prescriberHistory(issued.prescriberRpps, issuedAt);
    const { day, newPatient } = state.addIssued(prescription, night);
    const dailyCount = day.count;
    const peerMedian = await this.state.peerMedianPerDay(manager, issuedAt);
    const details: SignalDetails = {};
    const facts: FraudFacts = {
      trigger: 'issued',
      prescriptionId: issued.prescriptionId,
      prescriberRpps: issued.prescriberRpps,
      narcotic,
      securePrescription: issued.secure,
      ...(narcotic ? { narcoticDurationDays: narcoticDays } : {}),
      watchListed: watchList.join(', '),
      watchListCount: watchList.length,
      prescriberDailyCount: dailyCount,
      prescriberVelocityRatio: dailyCount / Math.max(peerMedian, 1),
      prescriberStatus: await this.state.prescriberStatus(manager, issued.prescriberRpps),
      localHour: hour,
      details,
    };
    if (newPatient && watchList.length > 0) {
      // Against the prescriber's own history: a stolen identity writes for strangers, a doctor for their patients.
      facts.prescriberNewPatientsToday = day.newPatientsWatched;
      facts.prescriberNewPatientsRatio = day.newPatientsWatched / Math.max(history.mostNewPatientsWatchedInADay, 1);
      details.newPatients = {
        day: issuedAt.toISOString().slice(0, 10),
        today: day.newPatientsWatched,
        usualMostInADay: history.mostNewPatientsWatchedInADay,
        historyDays: t.historyDays,
        prescriptionIds: state.newPatientPrescriptionsOfDay(issued.prescriberRpps, issuedAt),
      };
    }
    if (watchList.length > 0) {
      // Against the prescriber's own mix: a stolen identity writes watched molecules, a doctor mostly other things.
      const usualShare = (history.watched + 1) / (history.prescriptions + 2);
      facts.prescriberWatchedToday = day.watched;
      facts.prescriberWatchedShareRatio = day.watched / day.count / usualShare;
      details.watchedDay = {
        day: issuedAt.toISOString().slice(0, 10),
        watchedToday: day.watched,
        prescriptionsToday: day.count,
        usualShare,
        historyPrescriptions: history.prescriptions,
        historyDays: t.historyDays,
      };
    }
    if (night && history.prescriptions >= t.historyMinPrescriptions) {
      const nightShare = history.night / history.prescriptions;
      facts.unusualHour = nightShare <= t.nightShareMax;
      details.hour = { localHour: hour, timeZone: this.config.timeZone, nightShare, historyPrescriptions: history.prescriptions };
    }
    this.quantityFacts(state, lines, facts, details);
    if (narcotic) {
      const others = state.activeNarcoticPeriods(issued.patientPseudonym, issued.prescriptionId, issuedAt);
      facts.narcoticOverlapDays = largestOverlapDays({ start: issuedAt, end: prescription.narcoticUntil! }, others);
    }
    if (watchList.length > 0) this.supplyFacts(state, prescription, facts, details);
    const scopeAll = t.shoppingScope === 'all';
    if (scopeAll || prescription.watched) {
      facts.patientPrescribersInWindow = state.distinctPrescribers(issued.patientPseudonym, issuedAt, !scopeAll);
      const providers = state.providers(issued.patientPseudonym, issuedAt, !scopeAll, t.episodeWindowDays);
      facts.episodePrescribers = providers.prescribers.length;
      facts.episodePharmacies = providers.pharmacies.length;
      details.providers = { windowDays: t.episodeWindowDays, ...providers };
    }
    const fired = this.engine.evaluate(facts);
    return this.assess.execute(context, { prescriptionId: issued.prescriptionId, patientPseudonym: issued.patientPseudonym }, fired);
  }

  /** The line farthest above its medicine's usual units per day (each line also counts toward that usual). */
  private quantityFacts(state: FraudWorkingSet, lines: WatchedLine[], facts: FraudFacts, details: SignalDetails): void {
    for (const line of lines) {
      if (!(line.quantity > 0) || !(line.durationDays > 0)) continue;
      const unitsPerDay = line.quantity / line.durationDays;
      const usual = state.usualUnitsPerDay(line, unitsPerDay, this.config.thresholds.quantityMinSamples);
      if (!usual) continue;
      const ratio = unitsPerDay / usual.usual;
      if (ratio > (facts.quantityRatio ?? 0)) {
        facts.quantityRatio = ratio;
        facts.quantityLabel = line.label;
        details.quantity = { label: line.label, unitsPerDay, usualUnitsPerDay: usual.usual, samples: usual.samples };
      }
    }
  }

  /** This prescription's supplies of watched molecules against the patient's others of the same molecule or class. */
  private supplyFacts(state: FraudWorkingSet, rx: WatchedPrescription, facts: FraudFacts, details: SignalDetails): void {
    const tolerance = this.config.thresholds.supplyOverlapToleranceDays;
    const supplies = state.suppliesFrom(rx.id, rx.prescriberRpps, rx.issuedAt, rx.lines);
    const others = state.otherSupplies(rx.patientPseudonym, rx.id);
    facts.supplyOverlapDays = 0;
    for (const supply of supplies) {
      const overlapping = overlappingSupplies(supply, others, tolerance);
      if (overlapping.length === 0 || overlapping[0].overlapDays <= facts.supplyOverlapDays) continue;
      facts.supplyOverlapDays = overlapping[0].overlapDays;
      facts.overlappingSupplies = overlapping.length;
      const detail = (s: typeof supply) => ({
        prescriptionId: s.prescriptionId,
        prescriberRpps: s.prescriberRpps,
        molecules: s.molecules,
        start: s.start.toISOString(),
        end: s.end.toISOString(),
      });
      details.supplies = {
        moleculeClass: supply.moleculeClass,
        toleranceDays: tolerance,
        this: detail(supply),
        overlapping: overlapping.map((found) => ({ ...detail(found.supply), overlapDays: found.overlapDays })),
      };
    }
    state.addSupplies(rx.patientPseudonym, supplies);
  }
}
