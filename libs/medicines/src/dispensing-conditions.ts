// Reads the free-text conditions of prescription and dispensing (CIS_CPD) into flags the rules
// can use. ANSM writes them by hand, with varying case, accents and apostrophes (’ or '), so
// matching is done on a folded copy of each text. The categories follow the
// Code de la santé publique (CSP): R.5121-77 and following for the restricted-prescription
// categories, R.5132-1 and following for the poisonous-substance lists and narcotics.

/** Who a restricted prescription is reserved to, and at which step. */
export interface SpecialtyRestriction {
  /**
   * `prescription`: every prescription (PRS, CSP R.5121-91); `initialPrescription`: the first
   * one, renewals by any doctor; `renewal`: renewals too are reserved.
   */
  scope: 'prescription' | 'initialPrescription' | 'renewal';
  /** The specialty, service or setting as ANSM wrote it: `ONCOLOGIE MEDICALE`, `certains spécialistes`… */
  specialty: string;
}

/** Where a medicine may be dispensed, when CPD says (`délivrance réservée / effectuée par …`). */
export type DispensingPlace = 'hospital-pharmacy' | 'transfusion-establishment' | 'community-pharmacy' | 'addiction-centre';

export interface DispensingConditions {
  /** `stupéfiants`: secure prescription, at most 28 days, no renewal (CSP R.5132-5, R.5132-29, R.5132-30). */
  narcotic: boolean;
  /** `prescription en toutes lettres sur ordonnance sécurisée` (tramadol, codeine, zolpidem…). */
  secureWithQuantitiesInWords: boolean;
  /** `prescription sur ordonnance sécurisée` (pregabalin, some opioids). */
  securePrescription: boolean;
  listI: boolean;
  listII: boolean;
  /** `médicament soumis à prescription médicale (restreinte)`: prescription-only without a list. */
  prescriptionOnly: boolean;
  /** `réservé à l'usage HOSPITALIER` (RH): prescribed in hospital, dispensed by hospital pharmacies (CSP R.5121-83). */
  hospitalOnly: boolean;
  /** `prescription hospitalière` (PH): every prescription by a hospital doctor (CSP R.5121-85). */
  hospitalPrescription: boolean;
  /** `prescription initiale hospitalière …` (PIH): the first prescription by a hospital doctor. */
  hospitalInitialPrescription: boolean;
  /** How long an initial prescription stays valid for renewals: 12 (annuelle), 6 (semestrielle), 3 (trimestrielle). */
  initialPrescriptionValidityMonths: number | null;
  specialtyRestricted: SpecialtyRestriction[];
  /** `prescription limitée à …`, in days; the longer alternative of `7 jours ou 28 jours`. */
  maxPrescriptionDays: number | null;
  /** Why `maxPrescriptionDays` is not the whole story, when it is not. */
  maxPrescriptionNote: string | null;
  /** `délivrance fractionnée de N jours`: the longest fraction the pharmacist may hand over. */
  fractionedDispensingDays: number | null;
  /** `renouvellement non restreint`: any doctor may renew a restricted prescription. */
  renewalUnrestricted: boolean;
  /** `chevauchement interdit sauf mention expresse…`: no overlapping prescriptions (CSP R.5132-33). */
  overlapForbidden: boolean;
  /** `… surveillance particulière pendant le traitement` (SPT, CSP R.5121-93 and R.5121-94). */
  specialMonitoring: boolean;
  dispensingPlaces: DispensingPlace[];
  /** Reserved to a professional, emergency, military or vaccination-centre use; ANSM's texts. */
  reservedUse: string[];
  /** Where or by whom it must be administered (`… en milieu hospitalier`); ANSM's texts. */
  administrationRestricted: string[];
  /** Documents, mentions or results the prescriber or pharmacist must see to; ANSM's texts. */
  requirements: string[];
  /** Texts not understood: fragments such as `pour tous les patients :` that head other rows. */
  unclassified: string[];
}

/** The conditions of a medicine with no CPD row: nothing restricts it. */
export function noDispensingConditions(): DispensingConditions {
  return {
    narcotic: false,
    secureWithQuantitiesInWords: false,
    securePrescription: false,
    listI: false,
    listII: false,
    prescriptionOnly: false,
    hospitalOnly: false,
    hospitalPrescription: false,
    hospitalInitialPrescription: false,
    initialPrescriptionValidityMonths: null,
    specialtyRestricted: [],
    maxPrescriptionDays: null,
    maxPrescriptionNote: null,
    fractionedDispensingDays: null,
    renewalUnrestricted: false,
    overlapForbidden: false,
    specialMonitoring: false,
    dispensingPlaces: [],
    reservedUse: [],
    administrationRestricted: [],
    requirements: [],
    unclassified: [],
  };
}

/**
 * Lower case, accents and apostrophes folded, one character for one, so that a match's indices
 * point at the same characters in the original text (to keep ANSM's spelling of a specialty).
 */
export function foldConditionText(text: string): string {
  let folded = '';
  for (const char of text) {
    if (char.length > 1) {
      folded += char; // outside the BMP: keep both code units so indices still line up
      continue;
    }
    if (/\s/.test(char)) folded += ' ';
    else if (char === '\u2019' || char === '\u2018' || char === '`' || char === '\u00b4') folded += "'";
    else folded += char.normalize('NFD')[0].toLowerCase();
  }
  return folded;
}

const PERIOD_MONTHS: Record<string, number> = { annuelle: 12, semestrielle: 6, trimestrielle: 3 };

// "prescription limitée à 6 mois" is checked in days; 31 per month so that a prescription written
// for N calendar months never fails it.
const DAYS_PER: Record<string, number> = { jour: 1, jours: 1, semaine: 7, semaines: 7, mois: 31 };

/** Reads one folded text into `into`; says whether it understood it (a text may feed several flags). */
type Rule = (folded: string, original: string, into: DispensingConditions) => boolean;

/** A rule that sets a flag when the folded text matches. */
function flag(pattern: RegExp, set: (conditions: DispensingConditions) => void): Rule {
  return (folded, _original, conditions) => {
    if (!pattern.test(folded)) return false;
    set(conditions);
    return true;
  };
}

/** A rule that keeps ANSM's own wording in a list, for texts that are shown rather than enforced. */
function keepText(pattern: RegExp, list: (conditions: DispensingConditions) => string[]): Rule {
  return (folded, original, conditions) => {
    if (!pattern.test(folded)) return false;
    list(conditions).push(original);
    return true;
  };
}

/** A rule that records who a prescription is reserved to, as ANSM spelled it (`d` flag: group 1's indices). */
function restriction(pattern: RegExp, scope: SpecialtyRestriction['scope']): Rule {
  return (folded, original, conditions) => {
    const match = pattern.exec(folded);
    const group = match?.indices?.[1];
    if (!match || !group) return false;
    const specialty = stripPrescriberWords(original.slice(group[0], group[1]).trim().replace(/\.$/, ''));
    conditions.specialtyRestricted.push({ scope, specialty });
    const period = /^prescription initiale (annuelle|semestrielle|trimestrielle) /.exec(folded)?.[1];
    if (period) conditions.initialPrescriptionValidityMonths = PERIOD_MONTHS[period];
    return true;
  };
}

const DISPENSING_PLACES: [RegExp, DispensingPlace][] = [
  [/^delivrance reservee aux pharmacies a usage interieur$/, 'hospital-pharmacy'],
  [/^delivrance reservee aux ets\b/, 'transfusion-establishment'],
  [/^delivrance effectuee par une pharmacie de ville$/, 'community-pharmacy'],
  [/^delivrance effectuee par un csapa$/, 'addiction-centre'],
];

const RULES: Rule[] = [
  flag(/^stupefiants?$/, (c) => (c.narcotic = true)),
  flag(/toutes lettres.*ordonnance securisee/, (c) => (c.secureWithQuantitiesInWords = true)),
  flag(/^prescription sur ordonnance securisee$/, (c) => (c.securePrescription = true)),
  flag(/^liste i$/, (c) => (c.listI = true)),
  flag(/^liste ii$/, (c) => (c.listII = true)),
  flag(/^medicament soumis a prescription medicale\b/, (c) => (c.prescriptionOnly = true)),
  // The apostrophe is optional: copies that lost the Windows-1252 ’ show "lusage" or "l usage".
  flag(/^reserve a l'? ?usage hospitalier$/, (c) => (c.hospitalOnly = true)),
  flag(/^prescription hospitaliere$/, (c) => (c.hospitalPrescription = true)),
  (folded, _original, c) => {
    const match = /^prescription initiale hospitaliere(?: (annuelle|semestrielle|trimestrielle))?$/.exec(folded);
    if (!match) return false;
    c.hospitalInitialPrescription = true;
    if (match[1]) c.initialPrescriptionValidityMonths = PERIOD_MONTHS[match[1]];
    return true;
  },
  restriction(/^prescription initiale (?:(?:annuelle|semestrielle|trimestrielle) )?reservee (?:a|aux) (.+)$/d, 'initialPrescription'),
  restriction(/^prescription initiale par un medecin exercant dans (.+)$/d, 'initialPrescription'),
  // Also "hors établissement de santé : prescription réservée aux médecins, sages-femmes…".
  restriction(/(?:^|: )prescription reservee aux (.+)$/d, 'prescription'),
  restriction(/^prescription par un medecin exercant dans (.+)$/d, 'prescription'),
  restriction(/^renouvellement de la prescription reserve aux (.+)$/d, 'renewal'),
  (folded, _original, c) => {
    const match = /^prescription limitee a (\d+) (jours?|semaines?|mois)(?: ou (\d+) (jours?|semaines?|mois))?$/.exec(folded);
    if (!match) return false;
    const first = Number(match[1]) * DAYS_PER[match[2]];
    const second = match[3] ? Number(match[3]) * DAYS_PER[match[4]] : null;
    const days = second === null ? first : Math.max(first, second);
    if (second !== null) {
      // "7 jours ou 28 jours" (injectable morphine, oxycodone): which one applies depends on the form
      // or the mode of administration, which CPD does not say; the longer one is the hard ceiling.
      c.maxPrescriptionNote = `${Math.min(first, second)} days for some forms or modes of administration, ${days} days otherwise`;
    }
    // Two limits on one medicine: the stricter one binds.
    c.maxPrescriptionDays = c.maxPrescriptionDays === null ? days : Math.min(c.maxPrescriptionDays, days);
    return true;
  },
  (folded, _original, c) => {
    const match = /^delivrance fractionnee de (\d+) (jours?|semaines?)$/.exec(folded);
    if (!match) return false;
    const days = Number(match[1]) * DAYS_PER[match[2]];
    c.fractionedDispensingDays = c.fractionedDispensingDays === null ? days : Math.min(c.fractionedDispensingDays, days);
    return true;
  },
  flag(/^renouvellement non restreint$/, (c) => (c.renewalUnrestricted = true)),
  flag(/^chevauchement interdit/, (c) => (c.overlapForbidden = true)),
  flag(/surveillance particuliere pendant le traitement/, (c) => (c.specialMonitoring = true)),
  (folded, _original, c) => {
    const place = DISPENSING_PLACES.find(([pattern]) => pattern.test(folded))?.[1];
    if (!place) return false;
    if (!c.dispensingPlaces.includes(place)) c.dispensingPlaces.push(place);
    return true;
  },
  keepText(
    /^(?:medicament )?reserve (?:a l'? ?usage (?:professionnel|militaire|en situation d'urgence)|a une structure d'assistance medicale|aux centres de vaccination)/,
    (c) => c.reservedUse,
  ),
  keepText(
    /administrations?\b.*\b(?:milieu hospitalier|etablissement de sante|etablissement de transfusion)|^administration par /,
    (c) => c.administrationRestricted,
  ),
  keepText(
    /^(?:la )?prescription necessit|subordonnees? a|apres verification|apres avoir verifie|doit etre accompagnee|conservation d'une copie|mise a jour du carnet|^ordonnance avec|mention sur l'ordonnance|programme de prevention/,
    (c) => c.requirements,
  ),
];

/** "spécialistes et services HEMATOLOGIE" → "HEMATOLOGIE"; other wordings stay whole. */
function stripPrescriberWords(specialty: string): string {
  const stripped = specialty.replace(
    /^(?:spécialistes et services|spécialistes en|médecins compétents en|médecins compétents|spécialistes autorisés|spécialistes)\s+/iu,
    '',
  );
  return stripped === '' ? specialty : stripped;
}

/** Classifies all the CPD texts of one CIS. Unknown or fragmentary texts land in `unclassified`. */
export function classifyConditions(texts: readonly string[]): DispensingConditions {
  const conditions = noDispensingConditions();
  for (const original of texts) {
    const text = original.trim().replace(/\s+/g, ' ');
    if (text === '') continue;
    const folded = foldConditionText(text);
    let understood = false;
    for (const rule of RULES) if (rule(folded, text, conditions)) understood = true;
    if (!understood) conditions.unclassified.push(text);
  }
  return conditions;
}

/** Secure prescription forms are required for narcotics (CSP R.5132-5) and where CPD says so. */
export function requiresSecurePrescription(conditions: DispensingConditions): boolean {
  return conditions.narcotic || conditions.secureWithQuantitiesInWords || conditions.securePrescription;
}
