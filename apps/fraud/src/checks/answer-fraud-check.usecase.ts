import { FiredRule, FraudCheckRequested, FraudVerdict } from '@ordo/contracts';
import { Assessment } from '../alerts/assess-prescription.usecase';
import { FraudConfig } from '../config/fraud-config';
import { FraudFacts, daysAfter } from '../rules/fraud-facts';
import { FraudRuleEngine, standingOf } from '../rules/fraud-rule-engine';
import { CheckStanding } from './check-standing.reader';
import { StandingSource } from './check-standing.source';
import { RecentPresentations } from './recent-presentations';

/** allow below the review threshold, review above it, deny while the prescription is on hold. */
export function decide(
  assessment: Pick<Assessment, 'held' | 'score'>,
  config: Pick<FraudConfig, 'reviewThreshold'>,
): FraudVerdict['decision'] {
  if (assessment.held) return 'deny';
  if (assessment.score >= config.reviewThreshold) return 'review';
  return 'allow';
}

export interface ProjectedVerdict {
  decision: FraudVerdict['decision'];
  score: number;
  reasons: FiredRule[];
  /** The check itself fires a rule taking the prescription over the interdiction threshold: recording it will place a hold. */
  holdsOnRecord: boolean;
}

/**
 * The verdict a check gets, from fraud's state as read in one query plus what this instance has
 * answered but not yet recorded: the rules the check itself would fire (pharmacy shopping, late
 * narcotic, attempt after cancel or expiry) are projected exactly as recording it will fire them,
 * so a check that will place a hold is denied now. Pure: no I/O.
 */
export async function projectVerdict(
  request: Pick<FraudCheckRequested, 'prescriptionId' | 'pharmacyFiness' | 'narcotic'>,
  standing: CheckStanding,
  recentPharmacies: Iterable<string>,
  recentlyPresented: boolean,
  at: Date,
  engine: FraudRuleEngine,
  config: FraudConfig,
): Promise<ProjectedVerdict> {
  const facts: FraudFacts = {
    trigger: 'check',
    prescriptionId: request.prescriptionId,
    pharmacyFiness: request.pharmacyFiness,
    narcotic: request.narcotic || undefined,
  };
  const rx = standing.prescription;
  if (rx) {
    facts.prescriberRpps = rx.prescriberRpps;
    facts.narcotic = rx.narcotic;
    facts.watchListed = rx.watchList.replace(/,/g, ', ');
    facts.watchListCount = rx.watchList ? rx.watchList.split(',').length : 0;
    if (rx.status === 'cancelled' || rx.status === 'expired') facts.presentedAfterEnd = rx.status;
    if (!rx.firstPresentedAt && !recentlyPresented) facts.presentationDelayDays = daysAfter(rx.issuedAt, at);
    const watched = rx.narcotic || rx.watchList !== '';
    if (config.thresholds.shoppingScope === 'all' || watched) {
      facts.patientPharmaciesInWindow = new Set([...standing.pharmacies, ...recentPharmacies, request.pharmacyFiness]).size;
    }
  }
  const fired = engine.evaluate(facts);
  const { score, level, rules: reasons } = standingOf([...standing.ownHits, ...fired], standing.patientHits, config);
  const known = new Set(standing.ownHits.map((hit) => hit.code));
  const holdsOnRecord = level === 'hold' && fired.some((rule) => !known.has(rule.code));
  return { decision: decide({ held: standing.held || holdsOnRecord, score }, config), score, reasons, holdsOnRecord };
}

/**
 * Answers dispensing's pre-claim question fast: the standing from the worker's memory or one indexed
 * query (on a pool of its own), the rules in memory, no transaction and no write. Runs in the verdict worker thread. Recording the check as a presentation (windows,
 * hits, case, hold) is done by the inbox consumer of the same topic, exactly once in effect.
 */
export class AnswerFraudCheck {
  constructor(
    private readonly config: FraudConfig,
    private readonly engine: FraudRuleEngine,
    private readonly standing: StandingSource,
    private readonly recent: RecentPresentations,
  ) {}

  async execute(request: FraudCheckRequested, at: Date): Promise<FraudVerdict> {
    const standing = await this.standing.read(request.prescriptionId, request.patientPseudonym, at);
    const rx = standing.prescription;
    const patient = rx?.patientPseudonym ?? request.patientPseudonym;
    const watchedOnly = this.config.thresholds.shoppingScope !== 'all';
    const projected = await projectVerdict(
      request,
      standing,
      this.recent.pharmaciesOf(patient, at, watchedOnly),
      this.recent.presented(request.prescriptionId),
      at,
      this.engine,
      this.config,
    );
    // Recording the check will count this visit; until it has, this instance remembers it.
    if (rx) this.recent.remember(patient, request.prescriptionId, request.pharmacyFiness, rx.narcotic || rx.watchList !== '', at);
    return Object.assign(new FraudVerdict(), {
      checkId: request.checkId,
      prescriptionId: request.prescriptionId,
      decision: projected.decision,
      score: projected.score,
      reasons: projected.reasons,
    });
  }
}
