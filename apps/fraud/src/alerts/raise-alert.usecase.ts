import { Injectable } from '@nestjs/common';
import { CloudEvent, DispensingRefused, FraudAlertRaised } from '@ordo/contracts';
import { Outbox } from '@ordo/messaging';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { FraudAlert } from './fraud-alert.entity';
import { levelFor, rulesForRefusal } from './rules';

@Injectable()
export class RaiseAlertOnRefusal {
  constructor(private readonly outbox: Outbox) {}

  async execute(manager: EntityManager, refused: DispensingRefused, event: CloudEvent): Promise<FraudAlert | undefined> {
    const rules = rulesForRefusal(refused);
    const score = rules.reduce((sum, rule) => sum + rule.weight, 0);
    const level = levelFor(score);
    if (!level) return undefined;
    const alert = Object.assign(new FraudAlert(), {
      id: randomUUID(),
      prescriptionId: refused.prescriptionId,
      score,
      level,
      rules,
      evidence: [event.id],
      status: 'open' as const,
      raisedAt: new Date(),
    });
    await manager.insert(FraudAlert, alert);
    await this.outbox.append(manager, FraudAlertRaised, alert.prescriptionId, {
      alertId: alert.id,
      prescriptionId: alert.prescriptionId,
      score,
      level,
      rules,
    });
    return alert;
  }
}
