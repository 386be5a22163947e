import { Inject, Injectable } from '@nestjs/common';
import { EventContext } from '@ordo/messaging';
import { Assessment, AssessPrescription, nothingFired } from '../alerts/assess-prescription.usecase';
import { FRAUD_CONFIG, FraudConfig } from '../config/fraud-config';
import { FraudFacts, daysAfter } from '../rules/fraud-facts';
import { FraudRuleEngine } from '../rules/fraud-rule-engine';
import { FraudStateRepository } from './fraud-state.repository';
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

  async execute(context: EventContext, presentation: Presentation): Promise<Assessment> {
    const { event } = context;
    const at = new Date(event.time);
    const state = await this.state.workingSet(context);
    const prescription = state.prescription(presentation.prescriptionId);
    const facts: FraudFacts = {
      trigger: presentation.trigger,
      prescriptionId: presentation.prescriptionId,
      pharmacyFiness: presentation.pharmacyFiness,
      ...(presentation.facts ?? {}),
    };
    if (!prescription && isPresentationOfCode(facts)) {
      // Dispensing knew this prescription, fraud has not read its issued event yet (the topics are
      // consumed independently): applied right after it, so its windows and rules see this visit.
      state.park(presentation.prescriptionId, event);
      return nothingFired();
    }
    const scopeAll = this.config.thresholds.shoppingScope === 'all';
    if (prescription) {
      facts.prescriberRpps = prescription.prescriberRpps;
      facts.narcotic = prescription.narcotic;
      facts.watchListed = prescription.watchList.replace(/,/g, ', ');
      facts.watchListCount = prescription.watchList ? prescription.watchList.split(',').length : 0;
      if (prescription.status === 'cancelled' || prescription.status === 'expired') {
        facts.presentedAfterEnd ??= prescription.status;
      }
      if (!prescription.firstPresentedAt && isPresentationOfCode(facts)) {
        prescription.firstPresentedAt = at;
        facts.presentationDelayDays = daysAfter(prescription.issuedAt, at);
      }
      Object.assign(facts, presentation.apply?.(prescription) ?? {});
      if (presentation.trigger === 'dispensed') prescription.dispensings += 1;
      if (presentation.trigger === 'refused') prescription.refusals += 1;
      state.changedPrescription(prescription);
      state.recordPresentation(prescription, presentation.pharmacyFiness, at);
      if (scopeAll || prescription.watched) {
        facts.patientPharmaciesInWindow = state.distinctPharmacies(prescription.patientPseudonym, at, !scopeAll);
        const days = this.config.thresholds.episodeWindowDays;
        const providers = state.providers(prescription.patientPseudonym, at, !scopeAll, days);
        facts.episodePrescribers = providers.prescribers.length;
        facts.episodePharmacies = providers.pharmacies.length;
        facts.details = { providers: { windowDays: days, ...providers } };
      }
    }
    const fired = this.engine.evaluate(facts);
    return this.assess.execute(
      context,
      { prescriptionId: presentation.prescriptionId, patientPseudonym: prescription?.patientPseudonym ?? null },
      fired,
    );
  }
}

/** A forged or unreadable code is not the prescription being presented. */
function isPresentationOfCode(facts: FraudFacts): boolean {
  return facts.scanOutcome === undefined || facts.scanOutcome === 'genuine' || facts.scanOutcome === 'typed';
}
