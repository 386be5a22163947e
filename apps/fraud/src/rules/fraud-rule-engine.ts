import { FiredRule } from '@ordo/contracts';
import { FraudConfig } from '../config/fraud-config';
import { Test, compileConditions } from './conditions';
import { FraudFacts, SignalDetails } from './fraud-facts';
import { RuleDefinition, ruleDefinitions } from './rule-definitions';

export interface FiredRuleWithScope extends FiredRule {
  scope: RuleDefinition['scope'];
  /** What lies behind it (providers, supplies, …), for the hit's evidence. */
  details?: SignalDetails[keyof SignalDetails];
}

/** Runs the rule definitions over one event's facts and says which fired, with their weights and reasons. */
export class FraudRuleEngine {
  /** The rules each trigger runs (only those that read that event), their conditions compiled once. */
  private readonly byTrigger = new Map<FraudFacts['trigger'], { rule: RuleDefinition; test: Test }[]>();
  private readonly byCode: Map<string, RuleDefinition>;

  constructor(private readonly config: FraudConfig) {
    const definitions = ruleDefinitions(config);
    this.byCode = new Map(definitions.map((rule) => [rule.code, rule]));
    for (const rule of definitions) {
      const test = compileConditions(rule.conditions);
      for (const trigger of rule.triggers) {
        const rules = this.byTrigger.get(trigger) ?? [];
        rules.push({ rule, test });
        this.byTrigger.set(trigger, rules);
      }
    }
  }

  get definitions(): RuleDefinition[] {
    return [...this.byCode.values()];
  }

  evaluate(facts: FraudFacts): FiredRuleWithScope[] {
    const watched = (facts.watchListCount ?? 0) > 0;
    const fired: FiredRuleWithScope[] = [];
    for (const { rule, test } of this.byTrigger.get(facts.trigger) ?? []) {
      if (!test(facts as unknown as Record<string, unknown>)) continue;
      const multiplier = watched && rule.code !== 'WATCH_LIST_MOLECULE' ? this.config.thresholds.watchListMultiplier : 1;
      const details = rule.explainedBy ? facts.details?.[rule.explainedBy] : undefined;
      fired.push({
        code: rule.code,
        scope: rule.scope,
        weight: Math.round(rule.weight * multiplier),
        reason: render(rule.reason, facts),
        ...(details ? { details } : {}),
      });
    }
    return fired;
  }
}

function render(template: string, facts: FraudFacts): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = (facts as unknown as Record<string, unknown>)[name];
    if (value === undefined) return '?';
    return typeof value === 'number' ? String(Math.round(value * 100) / 100) : String(value);
  });
}

export type AlertLevel = 'review' | 'hold';

export function levelFor(score: number, config: Pick<FraudConfig, 'reviewThreshold' | 'holdThreshold'>): AlertLevel | undefined {
  if (score >= config.holdThreshold) return 'hold';
  if (score >= config.reviewThreshold) return 'review';
  return undefined;
}

/** The weaker level of a signal, not counted once its stronger level is there: the same evidence, read twice. */
const WEAKER_LEVEL: Record<string, string> = {
  MULTIPLE_PROVIDER_EPISODE: 'PROVIDER_SPREAD',
  PRESCRIBER_NEW_PATIENT_BURST: 'PRESCRIBER_NEW_PATIENTS',
};

function withoutWeakerLevels<T>(byCode: Map<string, T>): Map<string, T> {
  for (const [strong, weak] of Object.entries(WEAKER_LEVEL)) if (byCode.has(strong)) byCode.delete(weak);
  return byCode;
}

/** A score counts each rule code once, at its highest weight: the same signal seen twice is one signal. */
export function scoreOf(hits: { code: string; weight: number }[]): number {
  const byCode = new Map<string, number>();
  for (const hit of hits) byCode.set(hit.code, Math.max(byCode.get(hit.code) ?? 0, hit.weight));
  withoutWeakerLevels(byCode);
  let score = 0;
  for (const weight of byCode.values()) score += weight;
  return score;
}

export interface Standing {
  prescriptionScore: number;
  patientScore: number;
  /** The higher of the two: what the thresholds apply to. */
  score: number;
  level: AlertLevel | undefined;
  /** The rules behind the score, each code once. */
  rules: FiredRule[];
}

/**
 * A prescription's standing from the hits on it and on the patient's other prescriptions in the
 * window: the one computation behind both the recorded assessment and the pre-dispense verdict.
 */
export function standingOf(
  onPrescription: { code: string; weight: number; reason: string }[],
  onPatient: { code: string; weight: number; reason: string }[],
  config: Pick<FraudConfig, 'reviewThreshold' | 'holdThreshold'>,
): Standing {
  const prescriptionScore = scoreOf(onPrescription);
  const patientScore = onPatient.length > 0 ? scoreOf([...onPrescription, ...onPatient]) : prescriptionScore;
  const score = Math.max(prescriptionScore, patientScore);
  const rules = distinctRules(patientScore > prescriptionScore ? [...onPrescription, ...onPatient] : onPrescription);
  return { prescriptionScore, patientScore, score, level: levelFor(score, config), rules };
}

/** Each rule code once, at its highest weight, in the order first seen. */
function distinctRules(hits: { code: string; weight: number; reason: string }[]): FiredRule[] {
  const byCode = new Map<string, FiredRule>();
  for (const hit of hits) {
    const seen = byCode.get(hit.code);
    if (!seen || hit.weight > seen.weight) byCode.set(hit.code, { code: hit.code, reason: hit.reason, weight: hit.weight });
  }
  return [...withoutWeakerLevels(byCode).values()];
}
