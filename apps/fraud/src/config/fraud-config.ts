import { ConfigOf, list, positiveNumber, text } from '@ordo/config';
import { readFileSync } from 'node:fs';
import { DEFAULT_MOLECULE_CLASSES, DEFAULT_NARCOTICS, DEFAULT_WATCH_LIST } from './medicine-lists';

/** Every number a rule compares against; each can be set in the config file. */
export interface RuleThresholds {
  /** Rule codes whose weights, on a prescription with a watch-list molecule, are multiplied by this. */
  watchListMultiplier: number;
  /** Dispensed ÷ prescribed (renewals included) above which a line is over quantity. */
  overQuantityRatio: number;
  narcoticMaxDays: number;
  /** Days after the day of writing (not counted) within which a narcotic must be presented. */
  narcoticPresentationDays: number;
  /** Days two narcotic prescriptions of one patient may overlap (an early renewal) before it counts. */
  narcoticOverlapToleranceDays: number;
  /** Distinct prescribers of one patient in the window at which doctor shopping fires. */
  maxPrescribersInWindow: number;
  maxPharmaciesInWindow: number;
  /** `watched`: only prescriptions with a narcotic or watch-list molecule count toward shopping. */
  shoppingScope: 'watched' | 'all';
  /** A prescriber's prescriptions in a day, as a multiple of the peers' median day, at which velocity fires. */
  velocityFactor: number;
  /** …and never below this many in the day. */
  velocityMinDaily: number;
  /** The multiple provider episode: distinct prescribers and pharmacies of one patient within `episodeWindowDays`. */
  episodePrescribers: number;
  episodePharmacies: number;
  /** Not above `windowDays`: the patient's path is read over that window. */
  episodeWindowDays: number;
  /** The weaker spread (say 3 and 3) that counts only with other evidence. */
  spreadPrescribers: number;
  spreadPharmacies: number;
  /** Days two supplies of the same watched molecule or class may overlap (an early renewal) before it counts. */
  supplyOverlapToleranceDays: number;
  /** Watched prescriptions for patients new to the prescriber in one day, at which a burst fires… */
  burstNewPatients: number;
  /** …the weaker level, that counts only with other evidence… */
  newPatientsWeak: number;
  /** …both at this multiple of the prescriber's own busiest such day over `historyDays` (at least 1). */
  burstFactor: number;
  /** Watched prescriptions a prescriber writes in one day from which that day's share of them is judged… */
  watchedDayMin: number;
  /** …against their own history's share (smoothed: (watched + 1) / (prescriptions + 2)), at this multiple. */
  watchedShareFactor: number;
  /** How far back a prescriber's own history is read. */
  historyDays: number;
  /** Prescriptions a prescriber must have in their history before their hours are judged. */
  historyMinPrescriptions: number;
  /** A night prescription is unusual when the prescriber's history has at most this share of night ones. */
  nightShareMax: number;
  /** Units per day of a line, as a multiple of the usual for that medicine, at which it is far above. */
  quantityFactor: number;
  /** Lines of a medicine seen before its usual quantity is trusted. */
  quantityMinSamples: number;
}

export interface FraudConfig {
  reviewThreshold: number;
  holdThreshold: number;
  windowDays: number;
  thresholds: RuleThresholds;
  /** Rule code → weight, over the defaults. */
  weights: Record<string, number>;
  disabledRules: string[];
  narcotics: string[];
  watchList: string[];
  /** Watch-list name → class (GLP-1, insulin, benzodiazepine…): supplies of one class overlap as one molecule's would. */
  moleculeClasses: Record<string, string>;
  /** IANA time zone in which a prescription's hour of day is read. */
  timeZone: string;
  /** Local hours [from, to) counted as night (wrapping past midnight). */
  nightHours: [number, number];
  /** `deny-list`: only listed deactivated prescribers fire; `registry`: any RPPS not known fires too. */
  prescriberRegistryMode: 'deny-list' | 'registry';
  deactivatedPrescribers: string[];
  knownPrescribers: string[];
}

export const DEFAULT_FRAUD_CONFIG: FraudConfig = {
  reviewThreshold: 40,
  holdThreshold: 80,
  windowDays: 90,
  thresholds: {
    watchListMultiplier: 1.5,
    overQuantityRatio: 1,
    narcoticMaxDays: 28,
    narcoticPresentationDays: 3,
    narcoticOverlapToleranceDays: 7,
    maxPrescribersInWindow: 5,
    maxPharmaciesInWindow: 5,
    shoppingScope: 'watched',
    velocityFactor: 5,
    velocityMinDaily: 40,
    episodePrescribers: 4,
    episodePharmacies: 4,
    episodeWindowDays: 90,
    spreadPrescribers: 3,
    spreadPharmacies: 3,
    supplyOverlapToleranceDays: 7,
    burstNewPatients: 10,
    newPatientsWeak: 6,
    burstFactor: 3,
    watchedDayMin: 6,
    watchedShareFactor: 3,
    historyDays: 28,
    historyMinPrescriptions: 20,
    nightShareMax: 0.05,
    quantityFactor: 2.5,
    quantityMinSamples: 20,
  },
  weights: {},
  disabledRules: [],
  narcotics: DEFAULT_NARCOTICS,
  watchList: DEFAULT_WATCH_LIST,
  moleculeClasses: DEFAULT_MOLECULE_CLASSES,
  timeZone: 'Europe/Paris',
  nightHours: [22, 6],
  prescriberRegistryMode: 'deny-list',
  deactivatedPrescribers: [],
  knownPrescribers: [],
};

export class FraudConfigInvalid extends Error {}

function positive(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new FraudConfigInvalid(`${name} must be a positive number, got ${JSON.stringify(value)}`);
  }
  return value;
}

function stringList(name: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new FraudConfigInvalid(`${name} must be an array of strings`);
  }
  return value;
}

/** Merges a partial configuration over the defaults, checking every value. */
export function buildFraudConfig(
  partial: Partial<Omit<FraudConfig, 'thresholds'>> & { thresholds?: Partial<RuleThresholds> } = {},
): FraudConfig {
  const config: FraudConfig = {
    ...DEFAULT_FRAUD_CONFIG,
    ...partial,
    thresholds: { ...DEFAULT_FRAUD_CONFIG.thresholds, ...(partial.thresholds ?? {}) },
    weights: { ...(partial.weights ?? {}) },
    moleculeClasses: { ...DEFAULT_FRAUD_CONFIG.moleculeClasses, ...(partial.moleculeClasses ?? {}) },
  };
  positive('reviewThreshold', config.reviewThreshold);
  positive('holdThreshold', config.holdThreshold);
  positive('windowDays', config.windowDays);
  if (config.holdThreshold < config.reviewThreshold) throw new FraudConfigInvalid('holdThreshold must not be below reviewThreshold');
  for (const [name, value] of Object.entries(config.thresholds)) {
    if (name === 'shoppingScope') {
      if (value !== 'watched' && value !== 'all') throw new FraudConfigInvalid('thresholds.shoppingScope must be "watched" or "all"');
    } else positive(`thresholds.${name}`, value);
  }
  if (config.thresholds.episodeWindowDays > config.windowDays) {
    throw new FraudConfigInvalid('thresholds.episodeWindowDays must not be above windowDays (the patient path is read over windowDays)');
  }
  if (
    config.thresholds.spreadPrescribers > config.thresholds.episodePrescribers ||
    config.thresholds.spreadPharmacies > config.thresholds.episodePharmacies
  ) {
    throw new FraudConfigInvalid(
      'thresholds.spreadPrescribers and spreadPharmacies must not be above episodePrescribers and episodePharmacies',
    );
  }
  if (config.thresholds.newPatientsWeak > config.thresholds.burstNewPatients) {
    throw new FraudConfigInvalid('thresholds.newPatientsWeak must not be above burstNewPatients');
  }
  for (const [name, value] of Object.entries(config.moleculeClasses)) {
    if (typeof value !== 'string' || value === '') throw new FraudConfigInvalid(`moleculeClasses.${name} must be a non-empty string`);
  }
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: config.timeZone });
  } catch {
    throw new FraudConfigInvalid(`timeZone ${JSON.stringify(config.timeZone)} is not an IANA time zone`);
  }
  const [from, to] = Array.isArray(config.nightHours) ? config.nightHours : [];
  if (![from, to].every((hour) => typeof hour === 'number' && Number.isInteger(hour) && hour >= 0 && hour <= 23)) {
    throw new FraudConfigInvalid('nightHours must be two whole hours [from, to] between 0 and 23');
  }
  for (const [code, weight] of Object.entries(config.weights)) {
    if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0) {
      throw new FraudConfigInvalid(`weights.${code} must be a non-negative integer`);
    }
  }
  for (const name of ['disabledRules', 'narcotics', 'watchList', 'deactivatedPrescribers', 'knownPrescribers'] as const) {
    stringList(name, config[name]);
  }
  if (config.prescriberRegistryMode !== 'deny-list' && config.prescriberRegistryMode !== 'registry') {
    throw new FraudConfigInvalid('prescriberRegistryMode must be "deny-list" or "registry"');
  }
  return config;
}

/** The rules' settings: a file with any part of FraudConfig, and a few values that override it. */
export const fraudRuleSettings = {
  FRAUD_CONFIG_FILE: text({
    default: undefined,
    defaultText: 'built-in',
    accepts: 'the path of a JSON file',
    desc: 'rule weights, thresholds, windows, watch-list, prescriber registry (any part of `FraudConfig`)',
  }),
  FRAUD_REVIEW_THRESHOLD: positiveNumber({ default: undefined, defaultText: '`40`', desc: 'score that raises an alert for review' }),
  FRAUD_HOLD_THRESHOLD: positiveNumber({ default: undefined, defaultText: '`80`', desc: 'score that places a hold' }),
  FRAUD_WINDOW_DAYS: positiveNumber({ default: undefined, defaultText: '`90`', desc: 'doctor- and pharmacy-shopping window' }),
  FRAUD_DEACTIVATED_PRESCRIBERS: list({
    default: undefined,
    accepts: 'comma-separated RPPS numbers',
    item: (rpps) => {
      if (!/^\d{11}$/.test(rpps)) throw new Error('not an RPPS');
    },
    desc: 'RPPS numbers refused as deactivated',
  }),
};

export type FraudRuleValues = ConfigOf<typeof fraudRuleSettings>;

/** FRAUD_CONFIG_FILE, then FRAUD_REVIEW_THRESHOLD, FRAUD_HOLD_THRESHOLD, FRAUD_WINDOW_DAYS and FRAUD_DEACTIVATED_PRESCRIBERS over it. */
export function fraudConfigFrom(values: FraudRuleValues): FraudConfig {
  let partial: Record<string, unknown> = {};
  if (values.FRAUD_CONFIG_FILE) {
    try {
      partial = JSON.parse(readFileSync(values.FRAUD_CONFIG_FILE, 'utf8'));
    } catch (error) {
      throw new FraudConfigInvalid(`FRAUD_CONFIG_FILE ${values.FRAUD_CONFIG_FILE}: ${(error as Error).message}`);
    }
  }
  const overrides: Record<string, unknown> = {
    reviewThreshold: values.FRAUD_REVIEW_THRESHOLD,
    holdThreshold: values.FRAUD_HOLD_THRESHOLD,
    windowDays: values.FRAUD_WINDOW_DAYS,
    deactivatedPrescribers: values.FRAUD_DEACTIVATED_PRESCRIBERS,
  };
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) partial[key] = value;
  return buildFraudConfig(partial as Parameters<typeof buildFraudConfig>[0]);
}

export const FRAUD_CONFIG = Symbol('ordo:fraud-config');
