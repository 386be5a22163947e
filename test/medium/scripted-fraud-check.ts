import type { FraudCheckRequested, FiredRule } from '@ordo/contracts';
import { randomUUID } from 'node:crypto';
import type { FraudCheckOutcome } from '../../apps/dispensing/src/fraud-check/fraud-check.client';

export type Decision = 'allow' | 'review' | 'deny';
type Script = { decision: Decision; reasons: FiredRule[] } | 'silent';

/**
 * Stands in for `FraudCheckClient`, the Kafka request-reply to fraud's verdict worker: each test
 * says what fraud will answer, or that it will not answer in time. Silence looks to the claim as it
 * does in production: `{ answered: false }` once FRAUD_CHECK_TIMEOUT_MS has passed.
 */
export class ScriptedFraudCheck {
  /** What dispensing asked fraud, in order: the one thing fraud would see of a claim. */
  readonly questions: Omit<FraudCheckRequested, 'checkId'>[] = [];
  private script: Script = { decision: 'allow', reasons: [] };
  private gate?: { waiting: number; open: () => void; opened: Promise<void> };

  constructor(readonly timeoutMs: number) {}

  answers(decision: Decision, reasons: FiredRule[] = []): void {
    this.script = { decision, reasons };
  }

  staysSilent(): void {
    this.script = 'silent';
  }

  /**
   * Holds every answer until `count` questions are waiting: the claims behind them have all looked
   * at the prescription and found it free, so the race is decided where it must be, at the row lock.
   */
  answersTogether(count: number): void {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    this.gate = { waiting: count, open, opened };
  }

  asked(prescriptionId: string): Omit<FraudCheckRequested, 'checkId'>[] {
    return this.questions.filter((question) => question.prescriptionId === prescriptionId);
  }

  reset(): void {
    this.script = { decision: 'allow', reasons: [] };
    this.gate = undefined;
  }

  async check(question: Omit<FraudCheckRequested, 'checkId'>): Promise<FraudCheckOutcome> {
    this.questions.push(question);
    const script = this.script;
    const gate = this.gate;
    if (gate) {
      if (--gate.waiting === 0) {
        this.gate = undefined;
        gate.open();
      }
      await gate.opened;
    }
    if (script === 'silent') {
      await new Promise((resolve) => setTimeout(resolve, this.timeoutMs));
      return { answered: false };
    }
    const score = script.reasons.reduce((sum, rule) => sum + rule.weight, 0);
    return {
      answered: true,
      verdict: {
        checkId: randomUUID(),
        prescriptionId: question.prescriptionId,
        decision: script.decision,
        score,
        reasons: script.reasons,
      },
    };
  }
}
