/** Precision and recall per injected pattern (and per variation), from the labels the simulator kept and the alerts fraud raised. */

export const PATTERNS = [
  'doctor-shopping',
  'pharmacy-shopping',
  'multiple-provider-episode',
  'duplicate-supply',
  'prescriber-burst',
  'over-quantity',
  'forged-code',
  'replay',
  'double-dispensing',
  'narcotic-abuse',
  'overlapping-narcotics',
] as const;
export type Pattern = (typeof PATTERNS)[number];

/**
 * What a pattern is caught by, and what it is counted on: a patient, one prescription (or presented
 * ID), or a prescriber. `supersededBy`: codes of a more specific pattern that, on the same alert, make
 * it that pattern's (a claim refused as already dispensed always follows a scan of the used code, so
 * a double dispensing also fires REPLAYED_CODE; its case is a double dispensing, not a replay; a
 * multiple provider episode's supplies overlap too, and its many prescribers and pharmacies make
 * it doctor and pharmacy shopping as well: its case is the episode). For a patient or prescriber
 * pattern this is read over the unit: a patient any of whose alerts carries a more specific
 * pattern's code is that pattern's case, unless it was injected with this pattern (then it is
 * caught, whatever else its case carries).
 */
export const PATTERN_RULES: Record<Pattern, { unit: 'patient' | 'prescription' | 'prescriber'; codes: string[]; supersededBy?: string[] }> =
  {
    'doctor-shopping': { unit: 'patient', codes: ['DOCTOR_SHOPPING'], supersededBy: ['MULTIPLE_PROVIDER_EPISODE'] },
    'pharmacy-shopping': { unit: 'patient', codes: ['PHARMACY_SHOPPING'], supersededBy: ['MULTIPLE_PROVIDER_EPISODE'] },
    'multiple-provider-episode': { unit: 'patient', codes: ['MULTIPLE_PROVIDER_EPISODE', 'PROVIDER_SPREAD'] },
    'duplicate-supply': {
      unit: 'patient',
      codes: ['SUPPLY_OVERLAP'],
      supersededBy: ['MULTIPLE_PROVIDER_EPISODE', 'PROVIDER_SPREAD', 'DOCTOR_SHOPPING', 'PHARMACY_SHOPPING'],
    },
    'prescriber-burst': { unit: 'prescriber', codes: ['PRESCRIBER_NEW_PATIENT_BURST', 'PRESCRIBER_NEW_PATIENTS'] },
    'over-quantity': { unit: 'prescription', codes: ['QUANTITY_ABOVE_USUAL'] },
    'forged-code': { unit: 'prescription', codes: ['FORGED_CODE', 'UNKNOWN_PRESCRIPTION_ID'] },
    replay: { unit: 'prescription', codes: ['REPLAYED_CODE'], supersededBy: ['DOUBLE_DISPENSE_ATTEMPT'] },
    'double-dispensing': { unit: 'prescription', codes: ['DOUBLE_DISPENSE_ATTEMPT'] },
    'narcotic-abuse': { unit: 'prescription', codes: ['NARCOTIC_NOT_SECURE', 'NARCOTIC_TOO_LONG', 'NARCOTIC_PRESENTED_LATE'] },
    'overlapping-narcotics': { unit: 'patient', codes: ['NARCOTIC_OVERLAP'] },
  };

export interface Label {
  pattern: Pattern;
  /** How this instance was drawn around the thresholds ('4x4-days', '3x3-days', …). */
  variation?: string;
  /** A patient key (simulator's own id), a prescription ID, or `prescriber:<rpps>`, per the pattern's unit. */
  unit: string;
}

export interface AlertSeen {
  prescriptionId: string;
  ruleCodes: string[];
  score?: number;
  level?: string;
  /** The signals behind the case, as the alerts API gives them. */
  signals?: unknown[];
}

/** What the simulator knows of its traffic: whose each prescription is, and which patients are not normal. */
export interface TrafficKnown {
  patientOf(prescriptionId: string): string | undefined;
  prescriberOf?(prescriptionId: string): string | undefined;
  isFraudPatient?(patient: string): boolean;
  /** The pattern a fraud patient was drawn for (a prescriber burst's strangers, an episode's patient…). */
  patternOfPatient?(patient: string): string | undefined;
}

export interface PatternScore {
  pattern: Pattern;
  injected: number;
  flagged: number;
  truePositives: number;
  /** Flagged units that were normal traffic. */
  falseFromNormal: number;
  /** Flagged units labelled with another pattern (the rule cannot tell them apart). */
  falseFromOtherPatterns: number;
  /** Those flagged units by the pattern they were drawn for: what the rule takes them for. */
  falseFromOtherBy: Record<string, number>;
  recall: number;
  /** Flagged units that were injected with this pattern. */
  precision: number;
  /** Flagged units that were fraud of any pattern: what an analyst would confirm. */
  precisionAnyFraud: number;
  /** Alerts carrying the pattern's codes that were attributed to a more specific pattern instead. */
  superseded: number;
  /** Injected units the pattern's rules did not flag. */
  missed: string[];
  /** Recall per variation. */
  variations: { variation: string; injected: number; caught: number; recall: number }[];
}

function unitKey(unit: 'patient' | 'prescription' | 'prescriber', prescriptionId: string, traffic: TrafficKnown): string | undefined {
  if (unit === 'patient') return traffic.patientOf(prescriptionId);
  if (unit === 'prescriber') {
    const rpps = traffic.prescriberOf?.(prescriptionId);
    return rpps ? `prescriber:${rpps}` : undefined;
  }
  return prescriptionId;
}

/** A signal as the alerts API lists it: the rule and the prescription whose event fired it. */
interface SignalSeen {
  code: string;
  prescriptionId?: string;
}

/**
 * The units an alert flags for a pattern's codes. A prescriber is read from the prescription each
 * signal names, as the analyst reads it: a patient's case can list a prescriber's signal fired on
 * another of the patient's prescriptions, written by another prescriber than the alert's.
 */
function flaggedUnits(unit: 'patient' | 'prescription' | 'prescriber', codes: string[], alert: AlertSeen, traffic: TrafficKnown): string[] {
  const signals = ((alert.signals ?? []) as SignalSeen[]).filter((signal) => codes.includes(signal.code) && signal.prescriptionId);
  const ids = unit === 'prescriber' && signals.length > 0 ? signals.map((signal) => signal.prescriptionId!) : [alert.prescriptionId];
  return [...new Set(ids.map((id) => unitKey(unit, id, traffic)).filter((key): key is string => key !== undefined))];
}

/**
 * A unit is flagged for a pattern when one of fraud's alerts on it (on any of the patient's
 * prescriptions, for a patient pattern; any of the prescriber's, for a prescriber pattern) carries
 * one of the pattern's rule codes. Recall: injected units flagged; precision: flagged units that were
 * injected with that pattern.
 */
export function scorePatterns(
  labels: Label[],
  alerts: AlertSeen[],
  traffic: TrafficKnown | ((id: string) => string | undefined),
): PatternScore[] {
  const known: TrafficKnown = typeof traffic === 'function' ? { patientOf: traffic } : traffic;
  return PATTERNS.map((pattern) => {
    const { unit, codes, supersededBy = [] } = PATTERN_RULES[pattern];
    const flagged = new Set<string>();
    const moreSpecific = new Set<string>();
    let superseded = 0;
    for (const alert of alerts) {
      const key = unitKey(unit, alert.prescriptionId, known);
      if (unit !== 'prescription' && key && alert.ruleCodes.some((code) => supersededBy.includes(code))) moreSpecific.add(key);
    }
    const mine = labels.filter((label) => label.pattern === pattern);
    const injected = new Set(mine.map((label) => label.unit));
    for (const alert of alerts) {
      if (!alert.ruleCodes.some((code) => codes.includes(code))) continue;
      for (const key of flaggedUnits(unit, codes, alert, known)) {
        // A unit injected with this pattern and caught by its codes is caught, whatever else its case carries.
        const ownUnit = injected.has(key) && PATTERN_RULES[pattern].unit !== 'prescription';
        if (!ownUnit && (alert.ruleCodes.some((code) => supersededBy.includes(code)) || moreSpecific.has(key))) {
          superseded++;
          continue;
        }
        flagged.add(key);
      }
    }
    const labelledOther = new Set(labels.filter((label) => label.pattern !== pattern).map((label) => label.unit));
    // Prescription units of patient patterns (and the reverse) also count as "another pattern".
    const otherPatients = new Set(
      labels
        .filter((label) => label.pattern !== pattern && PATTERN_RULES[label.pattern].unit === 'prescription')
        .map((label) => known.patientOf(label.unit)),
    );
    let truePositives = 0;
    let falseFromOther = 0;
    const falseFromOtherBy: Record<string, number> = {};
    for (const key of flagged) {
      if (injected.has(key)) truePositives++;
      else if (labelledOther.has(key) || (unit === 'patient' && (otherPatients.has(key) || known.isFraudPatient?.(key)))) {
        falseFromOther++;
        const drawnFor =
          labels.find((label) => label.unit === key)?.pattern ??
          labels.find((label) => PATTERN_RULES[label.pattern].unit === 'prescription' && known.patientOf(label.unit) === key)?.pattern ??
          known.patternOfPatient?.(key) ??
          'unknown';
        falseFromOtherBy[drawnFor] = (falseFromOtherBy[drawnFor] ?? 0) + 1;
      }
    }
    const variations = [...new Set(mine.map((label) => label.variation ?? '–'))].sort().map((variation) => {
      const units = new Set(mine.filter((label) => (label.variation ?? '–') === variation).map((label) => label.unit));
      const caught = [...units].filter((key) => flagged.has(key)).length;
      return { variation, injected: units.size, caught, recall: units.size ? caught / units.size : NaN };
    });
    return {
      pattern,
      injected: injected.size,
      flagged: flagged.size,
      truePositives,
      falseFromNormal: flagged.size - truePositives - falseFromOther,
      falseFromOtherPatterns: falseFromOther,
      falseFromOtherBy,
      recall: injected.size ? truePositives / injected.size : NaN,
      precision: flagged.size ? truePositives / flagged.size : NaN,
      precisionAnyFraud: flagged.size ? (truePositives + falseFromOther) / flagged.size : NaN,
      superseded,
      missed: [...injected].filter((key) => !flagged.has(key)),
      variations,
    };
  });
}

/**
 * Alerts on normal traffic (prescriptions of patients no pattern injected, and not themselves a
 * labelled unit) per 1,000 dispensings to normal patients.
 */
export function falseAlertsPerThousand(
  labels: Label[],
  alerts: AlertSeen[],
  traffic: TrafficKnown,
  normalDispensings: number,
): { alerts: number; dispensings: number; perThousand: number; byRule: Record<string, number>; list: AlertSeen[] } {
  const units = new Set(labels.map((label) => label.unit));
  const byRule: Record<string, number> = {};
  const list: AlertSeen[] = [];
  for (const alert of alerts) {
    const patient = traffic.patientOf(alert.prescriptionId);
    if (units.has(alert.prescriptionId) || !patient || units.has(patient) || traffic.isFraudPatient?.(patient)) continue;
    list.push(alert);
    for (const code of alert.ruleCodes) byRule[code] = (byRule[code] ?? 0) + 1;
  }
  return {
    alerts: list.length,
    dispensings: normalDispensings,
    perThousand: normalDispensings ? (list.length * 1000) / normalDispensings : NaN,
    byRule,
    list,
  };
}

const pct = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : '–');

export function formatScores(scores: PatternScore[]): string {
  const lines = [
    '| pattern | injected | flagged | TP | FP normal | FP other pattern | given to a more specific pattern | recall | precision | precision (any fraud) |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...scores.map(
      (s) =>
        `| ${s.pattern} | ${s.injected} | ${s.flagged} | ${s.truePositives} | ${s.falseFromNormal} | ${s.falseFromOtherPatterns} | ${s.superseded} | ${pct(s.recall)} | ${pct(s.precision)} | ${pct(s.precisionAnyFraud)} |`,
    ),
  ];
  return lines.join('\n');
}

/** For each pattern whose rules flagged units of other patterns: which patterns those were drawn for. */
export function formatConfusions(scores: PatternScore[]): string {
  const confused = scores.filter((score) => score.falseFromOtherPatterns > 0);
  if (confused.length === 0) return 'No unit of one pattern was flagged as another.';
  return [
    'Units of one pattern flagged as another (rule → drawn for):',
    ...confused.map(
      (score) =>
        `  ${score.pattern} ← ${Object.entries(score.falseFromOtherBy)
          .map(([pattern, n]) => `${pattern} ${n}`)
          .join(', ')}`,
    ),
  ].join('\n');
}

export function formatVariations(scores: PatternScore[]): string {
  const lines = ['| pattern | variation | injected | caught | recall |', '|---|---|---|---|---|'];
  for (const score of scores) {
    for (const v of score.variations) lines.push(`| ${score.pattern} | ${v.variation} | ${v.injected} | ${v.caught} | ${pct(v.recall)} |`);
  }
  return lines.join('\n');
}
