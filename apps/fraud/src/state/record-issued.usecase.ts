import { Inject, Injectable } from '@nestjs/common';
import { PrescriptionIssued } from '@ordo/contracts';
import { EventContext } from '@ordo/messaging';
import { Assessment, AssessPrescription } from '../alerts/assess-prescription.usecase';
import { FRAUD_CONFIG, FraudConfig } from '../config/fraud-config';
import { classifyLine } from '../config/medicine-lists';
import { FraudFacts, largestOverlapDays } from '../rules/fraud-facts';
import { FraudRuleEngine } from '../rules/fraud-rule-engine';
import { FraudStateRepository } from './fraud-state.repository';
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
    const dailyCount = state.addIssued(prescription);
    const peerMedian = await this.state.peerMedianPerDay(manager, issuedAt);
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
    };
    if (narcotic) {
      const others = state.activeNarcoticPeriods(issued.patientPseudonym, issued.prescriptionId, issuedAt);
      facts.narcoticOverlapDays = largestOverlapDays({ start: issuedAt, end: prescription.narcoticUntil! }, others);
    }
    const scopeAll = this.config.thresholds.shoppingScope === 'all';
    if (scopeAll || prescription.watched) {
      facts.patientPrescribersInWindow = state.distinctPrescribers(issued.patientPseudonym, issuedAt, !scopeAll);
    }
    const fired = this.engine.evaluate(facts);
    return this.assess.execute(context, { prescriptionId: issued.prescriptionId, patientPseudonym: issued.patientPseudonym }, fired);
  }
}
