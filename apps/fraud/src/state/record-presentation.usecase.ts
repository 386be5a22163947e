import { Inject, Injectable } from '@nestjs/common';
import { CloudEvent } from '@ordo/contracts';
import { EntityManager } from 'typeorm';
import { Assessment, AssessPrescription } from '../alerts/assess-prescription.usecase';
import { FRAUD_CONFIG, FraudConfig } from '../config/fraud-config';
import { FraudFacts, daysAfter } from '../rules/fraud-facts';
import { FraudRuleEngine } from '../rules/fraud-rule-engine';
import { FraudStateRepository } from './fraud-state.repository';
import { PatientActivity } from './patient-activity.entity';
import { WatchedPrescription } from './watched-prescription.entity';

export interface Presentation {
  trigger: 'scanned' | 'claimed' | 'dispensed' | 'refused' | 'check';
  prescriptionId: string;
  pharmacyFiness: string;
  /** Facts only the event knows (scan outcome, refusal reason, …). */
  facts?: Partial<FraudFacts>;
  /** Changes the event makes to the prescription before the rules read it, and the facts they give. */
  apply?: (prescription: WatchedPrescription) => Partial<FraudFacts> | void;
}

/**
 * A pharmacy presenting a prescription (scan, claim, check, dispensing, refused attempt): records
 * the patient's pharmacy, the first presentation, and runs the rules that read it.
 */
@Injectable()
export class RecordPresentation {
  constructor(
    @Inject(FRAUD_CONFIG) private readonly config: FraudConfig,
    private readonly state: FraudStateRepository,
    private readonly engine: FraudRuleEngine,
    private readonly assess: AssessPrescription,
  ) {}

  async execute(manager: EntityManager, presentation: Presentation, event: CloudEvent): Promise<Assessment> {
    const at = new Date(event.time);
    const prescription = await manager.findOne(WatchedPrescription, {
      where: { id: presentation.prescriptionId },
      lock: { mode: 'pessimistic_write' },
    });
    const facts: FraudFacts = {
      trigger: presentation.trigger,
      prescriptionId: presentation.prescriptionId,
      pharmacyFiness: presentation.pharmacyFiness,
      ...(presentation.facts ?? {}),
    };
    const scopeAll = this.config.thresholds.shoppingScope === 'all';
    if (prescription) {
      // Only the patient-window read below needs the patient's lock.
      if (scopeAll || prescription.watched) await this.state.lockPatient(manager, prescription.patientPseudonym);
      facts.prescriberRpps = prescription.prescriberRpps;
      facts.narcotic = prescription.narcotic;
      facts.watchListed = prescription.watchList.replace(/,/g, ', ');
      facts.watchListCount = prescription.watchList ? prescription.watchList.split(',').length : 0;
      if (prescription.status === 'cancelled' || prescription.status === 'expired') {
        facts.presentedAfterEnd ??= prescription.status;
      }
      const changes: Partial<WatchedPrescription> = {};
      if (!prescription.firstPresentedAt && isPresentationOfCode(facts)) {
        changes.firstPresentedAt = at;
        facts.presentationDelayDays = daysAfter(prescription.issuedAt, at);
      }
      const linesBefore = JSON.stringify(prescription.lines);
      const statusBefore = prescription.status;
      Object.assign(facts, presentation.apply?.(prescription) ?? {});
      if (JSON.stringify(prescription.lines) !== linesBefore) changes.lines = prescription.lines;
      if (prescription.status !== statusBefore) changes.status = prescription.status;
      if (presentation.trigger === 'dispensed') changes.dispensings = prescription.dispensings + 1;
      if (presentation.trigger === 'refused') changes.refusals = prescription.refusals + 1;
      if (Object.keys(changes).length > 0) await manager.update(WatchedPrescription, { id: prescription.id }, changes);

      await manager.insert(PatientActivity, {
        patientPseudonym: prescription.patientPseudonym,
        prescriptionId: prescription.id,
        kind: 'presented',
        prescriberRpps: null,
        pharmacyFiness: presentation.pharmacyFiness,
        watched: prescription.watched,
        at,
      });
      if (scopeAll || prescription.watched) {
        facts.patientPharmaciesInWindow = await this.state.distinctPharmacies(manager, prescription.patientPseudonym, at, !scopeAll);
      }
    }
    const fired = await this.engine.evaluate(facts);
    return this.assess.execute(
      manager,
      { prescriptionId: presentation.prescriptionId, patientPseudonym: prescription?.patientPseudonym ?? null },
      fired,
      event,
    );
  }
}

/** A forged or unreadable code is not the prescription being presented. */
function isPresentationOfCode(facts: FraudFacts): boolean {
  return facts.scanOutcome === undefined || facts.scanOutcome === 'genuine' || facts.scanOutcome === 'typed';
}
