/** Precision and recall per injected pattern, from the labels the simulator kept and the alerts fraud raised. */

export const PATTERNS = [
  'doctor-shopping',
  'pharmacy-shopping',
  'forged-code',
  'replay',
  'double-dispensing',
  'narcotic-abuse',
  'overlapping-narcotics',
] as const;
export type Pattern = (typeof PATTERNS)[number];

/**
 * What a pattern is caught by, and what it is counted on: a patient, or one prescription (or presented
 * ID). `supersededBy`: codes of a more specific pattern that, on the same alert, make it that pattern's
 * (a claim refused as already dispensed always follows a scan of the used code, so a double
 * dispensing also fires REPLAYED_CODE; its case is a double dispensing, not a replay).
 */
export const PATTERN_RULES: Record<Pattern, { unit: 'patient' | 'prescription'; codes: string[]; supersededBy?: string[] }> = {
  'doctor-shopping': { unit: 'patient', codes: ['DOCTOR_SHOPPING'] },
  'pharmacy-shopping': { unit: 'patient', codes: ['PHARMACY_SHOPPING'] },
  'forged-code': { unit: 'prescription', codes: ['FORGED_CODE', 'UNKNOWN_PRESCRIPTION_ID'] },
  replay: { unit: 'prescription', codes: ['REPLAYED_CODE'], supersededBy: ['DOUBLE_DISPENSE_ATTEMPT'] },
  'double-dispensing': { unit: 'prescription', codes: ['DOUBLE_DISPENSE_ATTEMPT'] },
  'narcotic-abuse': { unit: 'prescription', codes: ['NARCOTIC_NOT_SECURE', 'NARCOTIC_TOO_LONG', 'NARCOTIC_PRESENTED_LATE'] },
  'overlapping-narcotics': { unit: 'patient', codes: ['NARCOTIC_OVERLAP'] },
};

export interface Label {
  pattern: Pattern;
  /** A patient key (simulator's own id) or a prescription ID, per the pattern's unit. */
  unit: string;
}

export interface AlertSeen {
  prescriptionId: string;
  ruleCodes: string[];
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
  recall: number;
  precision: number;
  /** Alerts carrying the pattern's codes that were attributed to a more specific pattern instead. */
  superseded: number;
  /** Injected units the pattern's rules did not flag. */
  missed: string[];
}

/**
 * A unit is flagged for a pattern when one of fraud's alerts on it (on any of the patient's
 * prescriptions, for a patient pattern) carries one of the pattern's rule codes. Recall: injected
 * units flagged; precision: flagged units that were injected with that pattern.
 */
export function scorePatterns(
  labels: Label[],
  alerts: AlertSeen[],
  patientOf: (prescriptionId: string) => string | undefined,
): PatternScore[] {
  return PATTERNS.map((pattern) => {
    const { unit, codes, supersededBy = [] } = PATTERN_RULES[pattern];
    const flagged = new Set<string>();
    let superseded = 0;
    for (const alert of alerts) {
      if (!alert.ruleCodes.some((code) => codes.includes(code))) continue;
      if (alert.ruleCodes.some((code) => supersededBy.includes(code))) {
        superseded++;
        continue;
      }
      const key = unit === 'patient' ? patientOf(alert.prescriptionId) : alert.prescriptionId;
      if (key) flagged.add(key);
    }
    const injected = new Set(labels.filter((label) => label.pattern === pattern).map((label) => label.unit));
    const labelledOther = new Set(labels.filter((label) => label.pattern !== pattern).map((label) => label.unit));
    // Prescription units of patient patterns (and the reverse) also count as "another pattern".
    const otherPatients = new Set(
      labels
        .filter((label) => label.pattern !== pattern && PATTERN_RULES[label.pattern].unit === 'prescription')
        .map((label) => patientOf(label.unit)),
    );
    let truePositives = 0;
    let falseFromOther = 0;
    for (const key of flagged) {
      if (injected.has(key)) truePositives++;
      else if (labelledOther.has(key) || (unit === 'patient' && otherPatients.has(key))) falseFromOther++;
    }
    return {
      pattern,
      injected: injected.size,
      flagged: flagged.size,
      truePositives,
      falseFromNormal: flagged.size - truePositives - falseFromOther,
      falseFromOtherPatterns: falseFromOther,
      recall: injected.size ? truePositives / injected.size : NaN,
      precision: flagged.size ? truePositives / flagged.size : NaN,
      superseded,
      missed: [...injected].filter((key) => !flagged.has(key)),
    };
  });
}

export function formatScores(scores: PatternScore[]): string {
  const pct = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : '–');
  const lines = [
    '| pattern | injected | flagged | TP | FP normal | FP other pattern | given to a more specific pattern | recall | precision |',
    '|---|---|---|---|---|---|---|---|---|',
    ...scores.map(
      (s) =>
        `| ${s.pattern} | ${s.injected} | ${s.flagged} | ${s.truePositives} | ${s.falseFromNormal} | ${s.falseFromOtherPatterns} | ${s.superseded} | ${pct(s.recall)} | ${pct(s.precision)} |`,
    ),
  ];
  return lines.join('\n');
}
