import type { TopLevelCondition } from 'json-rules-engine';
import { FraudConfig } from '../config/fraud-config';
import { FraudFacts, SignalDetails } from './fraud-facts';

/**
 * One fraud rule as data: json-rules-engine conditions over the facts of `FraudFacts`, a code, a
 * reason written with `{fact}` placeholders, and a weight. Thresholds come from the configuration,
 * so changing one is a configuration change, not a code change.
 */
export interface RuleDefinition {
  code: string;
  weight: number;
  reason: string;
  /** `patient`: the rule reads the patient's history across prescriptions. */
  scope: 'prescription' | 'patient';
  /** The events whose facts the rule reads; it is not run for the others. */
  triggers: FraudFacts['trigger'][];
  conditions: TopLevelCondition;
  /** The part of the facts' `details` an analyst reads behind this rule, kept with its hit. */
  explainedBy?: keyof SignalDetails;
}

const PRESENTATION_TRIGGERS: FraudFacts['trigger'][] = ['scanned', 'claimed', 'dispensed', 'refused', 'check'];

export const DEFAULT_WEIGHTS: Record<string, number> = {
  FORGED_CODE: 80,
  UNKNOWN_PRESCRIPTION_ID: 40,
  REPLAYED_CODE: 60,
  DISPENSE_AFTER_END: 50,
  DOUBLE_DISPENSE_ATTEMPT: 60,
  OVER_QUANTITY: 40,
  NARCOTIC_NOT_SECURE: 50,
  NARCOTIC_TOO_LONG: 40,
  NARCOTIC_PRESENTED_LATE: 30,
  NARCOTIC_OVERLAP: 50,
  DOCTOR_SHOPPING: 50,
  PHARMACY_SHOPPING: 50,
  PRESCRIBER_VELOCITY: 30,
  UNKNOWN_PRESCRIBER: 40,
  DEACTIVATED_PRESCRIBER: 80,
  WATCH_LIST_MOLECULE: 10,
  MULTIPLE_PROVIDER_EPISODE: 40,
  PROVIDER_SPREAD: 15,
  SUPPLY_OVERLAP: 20,
  PRESCRIBER_NEW_PATIENT_BURST: 30,
  PRESCRIBER_NEW_PATIENTS: 15,
  PRESCRIBER_WATCHED_DAY: 15,
  PRESCRIBER_UNUSUAL_HOUR: 15,
  QUANTITY_ABOVE_USUAL: 25,
};

export function ruleDefinitions(config: FraudConfig): RuleDefinition[] {
  const t = config.thresholds;
  const window = config.windowDays;
  const rules: RuleDefinition[] = [
    {
      code: 'FORGED_CODE',
      triggers: ['scanned'],
      scope: 'prescription',
      reason: 'pharmacy {pharmacyFiness} scanned a code whose signature does not verify ({scanOutcome})',
      conditions: { all: [{ fact: 'scanOutcome', operator: 'in', value: ['forged-signature', 'unknown-key', 'revoked-key'] }] },
    },
    {
      code: 'UNKNOWN_PRESCRIPTION_ID',
      triggers: ['scanned'],
      scope: 'prescription',
      reason: 'pharmacy {pharmacyFiness} presented a well-formed ID that no prescriber issued',
      conditions: { all: [{ fact: 'scanOutcome', operator: 'equal', value: 'unknown-id' }] },
    },
    {
      code: 'REPLAYED_CODE',
      triggers: ['scanned'],
      scope: 'prescription',
      reason: 'pharmacy {pharmacyFiness} presented the code of a prescription already fully dispensed',
      conditions: { all: [{ fact: 'usedCodePresented', operator: 'equal', value: true }] },
    },
    {
      code: 'DISPENSE_AFTER_END',
      triggers: PRESENTATION_TRIGGERS,
      scope: 'prescription',
      reason: 'pharmacy {pharmacyFiness} tried to dispense a prescription that was {presentedAfterEnd}',
      conditions: { all: [{ fact: 'presentedAfterEnd', operator: 'in', value: ['cancelled', 'expired'] }] },
    },
    {
      code: 'DOUBLE_DISPENSE_ATTEMPT',
      triggers: ['refused'],
      scope: 'prescription',
      reason: 'pharmacy {pharmacyFiness} tried to dispense a prescription already dispensed',
      conditions: { all: [{ fact: 'refusalReason', operator: 'in', value: ['ALREADY_DISPENSED', 'NOTHING_LEFT'] }] },
    },
    {
      code: 'OVER_QUANTITY',
      triggers: ['refused', 'dispensed'],
      scope: 'prescription',
      reason: `pharmacy {pharmacyFiness} asked for more than prescribed (ratio {overQuantityRatio}, limit ${t.overQuantityRatio})`,
      conditions: {
        any: [
          { fact: 'refusalReason', operator: 'equal', value: 'OVER_QUANTITY' },
          { fact: 'overQuantityRatio', operator: 'greaterThan', value: t.overQuantityRatio },
        ],
      },
    },
    {
      code: 'NARCOTIC_NOT_SECURE',
      triggers: ['issued'],
      scope: 'prescription',
      reason: 'a narcotic was prescribed by {prescriberRpps} without a secure prescription',
      conditions: {
        all: [
          { fact: 'trigger', operator: 'equal', value: 'issued' },
          { fact: 'narcotic', operator: 'equal', value: true },
          { fact: 'securePrescription', operator: 'equal', value: false },
        ],
      },
    },
    {
      code: 'NARCOTIC_TOO_LONG',
      triggers: ['issued'],
      scope: 'prescription',
      reason: `a narcotic was prescribed for {narcoticDurationDays} days, over the ${t.narcoticMaxDays}-day maximum`,
      conditions: {
        all: [
          { fact: 'trigger', operator: 'equal', value: 'issued' },
          { fact: 'narcoticDurationDays', operator: 'greaterThan', value: t.narcoticMaxDays },
        ],
      },
    },
    {
      code: 'NARCOTIC_PRESENTED_LATE',
      triggers: PRESENTATION_TRIGGERS,
      scope: 'prescription',
      reason: `a narcotic prescription was first presented {presentationDelayDays} days after writing, over ${t.narcoticPresentationDays}`,
      conditions: {
        all: [
          { fact: 'trigger', operator: 'in', value: PRESENTATION_TRIGGERS },
          { fact: 'narcotic', operator: 'equal', value: true },
          { fact: 'presentationDelayDays', operator: 'greaterThan', value: t.narcoticPresentationDays },
        ],
      },
    },
    {
      code: 'NARCOTIC_OVERLAP',
      triggers: ['issued'],
      scope: 'patient',
      reason: `the patient's narcotic prescriptions overlap by {narcoticOverlapDays} days (tolerance ${t.narcoticOverlapToleranceDays})`,
      conditions: {
        all: [
          { fact: 'narcotic', operator: 'equal', value: true },
          { fact: 'narcoticOverlapDays', operator: 'greaterThan', value: t.narcoticOverlapToleranceDays },
        ],
      },
    },
    {
      code: 'DOCTOR_SHOPPING',
      triggers: ['issued'],
      scope: 'patient',
      reason: `the patient had prescriptions from {patientPrescribersInWindow} prescribers in ${window} days (limit ${t.maxPrescribersInWindow})`,
      conditions: { all: [{ fact: 'patientPrescribersInWindow', operator: 'greaterThanInclusive', value: t.maxPrescribersInWindow }] },
    },
    {
      code: 'PHARMACY_SHOPPING',
      triggers: PRESENTATION_TRIGGERS,
      scope: 'patient',
      reason: `the patient went to {patientPharmaciesInWindow} pharmacies in ${window} days (limit ${t.maxPharmaciesInWindow})`,
      conditions: { all: [{ fact: 'patientPharmaciesInWindow', operator: 'greaterThanInclusive', value: t.maxPharmaciesInWindow }] },
    },
    {
      code: 'PRESCRIBER_VELOCITY',
      triggers: ['issued'],
      scope: 'prescription',
      reason: `prescriber {prescriberRpps} wrote {prescriberDailyCount} prescriptions today, {prescriberVelocityRatio}× the peers' median (limit ${t.velocityFactor}×)`,
      conditions: {
        all: [
          { fact: 'trigger', operator: 'equal', value: 'issued' },
          { fact: 'prescriberDailyCount', operator: 'greaterThanInclusive', value: t.velocityMinDaily },
          { fact: 'prescriberVelocityRatio', operator: 'greaterThanInclusive', value: t.velocityFactor },
        ],
      },
    },
    {
      code: 'UNKNOWN_PRESCRIBER',
      triggers: ['issued'],
      scope: 'prescription',
      reason: 'prescriber {prescriberRpps} is not in the prescriber registry',
      conditions: { all: [{ fact: 'prescriberStatus', operator: 'equal', value: 'unknown' }] },
    },
    {
      code: 'DEACTIVATED_PRESCRIBER',
      triggers: ['issued'],
      scope: 'prescription',
      reason: 'prescriber {prescriberRpps} is deactivated',
      conditions: { all: [{ fact: 'prescriberStatus', operator: 'equal', value: 'deactivated' }] },
    },
    {
      code: 'MULTIPLE_PROVIDER_EPISODE',
      triggers: ['issued', ...PRESENTATION_TRIGGERS],
      scope: 'patient',
      explainedBy: 'providers',
      reason: `multiple provider episode: the patient had {episodePrescribers} prescribers and {episodePharmacies} pharmacies in ${t.episodeWindowDays} days (limit ${t.episodePrescribers} and ${t.episodePharmacies})`,
      conditions: {
        all: [
          { fact: 'episodePrescribers', operator: 'greaterThanInclusive', value: t.episodePrescribers },
          { fact: 'episodePharmacies', operator: 'greaterThanInclusive', value: t.episodePharmacies },
        ],
      },
    },
    {
      code: 'PROVIDER_SPREAD',
      triggers: ['issued', ...PRESENTATION_TRIGGERS],
      scope: 'patient',
      explainedBy: 'providers',
      reason: `the patient had {episodePrescribers} prescribers and {episodePharmacies} pharmacies in ${t.episodeWindowDays} days (counts with other signals from ${t.spreadPrescribers} and ${t.spreadPharmacies})`,
      conditions: {
        all: [
          { fact: 'episodePrescribers', operator: 'greaterThanInclusive', value: t.spreadPrescribers },
          { fact: 'episodePharmacies', operator: 'greaterThanInclusive', value: t.spreadPharmacies },
          {
            any: [
              { fact: 'episodePrescribers', operator: 'lessThan', value: t.episodePrescribers },
              { fact: 'episodePharmacies', operator: 'lessThan', value: t.episodePharmacies },
            ],
          },
        ],
      },
    },
    {
      code: 'SUPPLY_OVERLAP',
      triggers: ['issued'],
      scope: 'patient',
      explainedBy: 'supplies',
      reason: `the patient's supply of {watchListed} overlaps {overlappingSupplies} other prescription(s) of the same molecule or class by up to {supplyOverlapDays} days (tolerance ${t.supplyOverlapToleranceDays})`,
      conditions: { all: [{ fact: 'supplyOverlapDays', operator: 'greaterThan', value: t.supplyOverlapToleranceDays }] },
    },
    {
      code: 'PRESCRIBER_NEW_PATIENT_BURST',
      triggers: ['issued'],
      scope: 'prescription',
      explainedBy: 'newPatients',
      reason: `prescriber {prescriberRpps} wrote watched molecules for {prescriberNewPatientsToday} patients new to them today, {prescriberNewPatientsRatio}× their own busiest day of ${t.historyDays} (limit ${t.burstNewPatients} and ${t.burstFactor}×)`,
      conditions: {
        all: [
          { fact: 'prescriberNewPatientsToday', operator: 'greaterThanInclusive', value: t.burstNewPatients },
          { fact: 'prescriberNewPatientsRatio', operator: 'greaterThanInclusive', value: t.burstFactor },
        ],
      },
    },
    {
      code: 'PRESCRIBER_NEW_PATIENTS',
      triggers: ['issued'],
      scope: 'prescription',
      explainedBy: 'newPatients',
      reason: `prescriber {prescriberRpps} wrote watched molecules for {prescriberNewPatientsToday} patients new to them today, {prescriberNewPatientsRatio}× their own busiest day (counts with other signals from ${t.newPatientsWeak})`,
      conditions: {
        all: [
          { fact: 'prescriberNewPatientsToday', operator: 'greaterThanInclusive', value: t.newPatientsWeak },
          { fact: 'prescriberNewPatientsToday', operator: 'lessThan', value: t.burstNewPatients },
          { fact: 'prescriberNewPatientsRatio', operator: 'greaterThanInclusive', value: t.burstFactor },
        ],
      },
    },
    {
      code: 'PRESCRIBER_WATCHED_DAY',
      triggers: ['issued'],
      scope: 'prescription',
      explainedBy: 'watchedDay',
      reason: `prescriber {prescriberRpps} wrote {prescriberWatchedToday} prescriptions of watched molecules today, a share {prescriberWatchedShareRatio}× their own over ${t.historyDays} days (from ${t.watchedDayMin} and ${t.watchedShareFactor}×)`,
      conditions: {
        all: [
          { fact: 'prescriberWatchedToday', operator: 'greaterThanInclusive', value: t.watchedDayMin },
          { fact: 'prescriberWatchedShareRatio', operator: 'greaterThanInclusive', value: t.watchedShareFactor },
        ],
      },
    },
    {
      code: 'PRESCRIBER_UNUSUAL_HOUR',
      triggers: ['issued'],
      scope: 'prescription',
      explainedBy: 'hour',
      reason: `prescriber {prescriberRpps} wrote at {localHour}h, a night hour they almost never write at (at most ${t.nightShareMax * 100} % of their last ${t.historyDays} days)`,
      conditions: { all: [{ fact: 'unusualHour', operator: 'equal', value: true }] },
    },
    {
      code: 'QUANTITY_ABOVE_USUAL',
      triggers: ['issued'],
      scope: 'prescription',
      explainedBy: 'quantity',
      reason: `{quantityLabel}: {quantityRatio}× the usual units per day for this medicine (limit ${t.quantityFactor}×)`,
      conditions: { all: [{ fact: 'quantityRatio', operator: 'greaterThanInclusive', value: t.quantityFactor }] },
    },
    {
      code: 'WATCH_LIST_MOLECULE',
      triggers: ['issued'],
      scope: 'prescription',
      reason: 'the prescription holds watch-list molecules ({watchListed}); other rules weigh more on it',
      conditions: {
        all: [
          { fact: 'trigger', operator: 'equal', value: 'issued' },
          { fact: 'watchListCount', operator: 'greaterThan', value: 0 },
        ],
      },
    },
  ].map((rule) => ({ ...rule, weight: config.weights[rule.code] ?? DEFAULT_WEIGHTS[rule.code] })) as RuleDefinition[];
  return rules.filter((rule) => !config.disabledRules.includes(rule.code));
}
