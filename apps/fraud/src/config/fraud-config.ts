import { ConfigOf, list, positiveNumber, text } from '@ordo/config';
import { readFileSync } from 'node:fs';
import { DEFAULT_NARCOTICS, DEFAULT_WATCH_LIST } from './medicine-lists';

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
  },
  weights: {},
  disabledRules: [],
  narcotics: DEFAULT_NARCOTICS,
  watchList: DEFAULT_WATCH_LIST,
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
