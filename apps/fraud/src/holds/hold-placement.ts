import { Injectable } from '@nestjs/common';
import { HoldLifted, HoldPlaced } from '@ordo/contracts';
import { Outbox } from '@ordo/messaging';
import { randomUUID } from 'node:crypto';
import { EntityManager, IsNull } from 'typeorm';
import { audit } from '../audit/audit-entry.entity';
import { FraudHold } from './fraud-hold.entity';

/** Placing and lifting holds, each audited and emitted in the caller's transaction. */
@Injectable()
export class HoldPlacement {
  constructor(private readonly outbox: Outbox) {}

  async active(manager: EntityManager, prescriptionId: string): Promise<FraudHold | null> {
    return manager.findOne(FraudHold, { where: { prescriptionId, liftedAt: IsNull() } });
  }

  /** Places a hold unless one is already active (then returns that one). */
  async place(
    manager: EntityManager,
    hold: { prescriptionId: string; alertId: string | null; reason: string; placedBy: string },
  ): Promise<{ hold: FraudHold; placed: boolean }> {
    const existing = await this.active(manager, hold.prescriptionId);
    if (existing) return { hold: existing, placed: false };
    const placed = Object.assign(new FraudHold(), {
      id: randomUUID(),
      ...hold,
      placedAt: new Date(),
      liftedAt: null,
      liftedBy: null,
      liftReason: null,
    });
    await manager.insert(FraudHold, placed);
    await audit(manager, {
      actor: hold.placedBy,
      action: 'hold-placed',
      prescriptionId: hold.prescriptionId,
      alertId: hold.alertId,
      details: { holdId: placed.id, reason: hold.reason },
    });
    await this.outbox.append(manager, HoldPlaced, hold.prescriptionId, {
      prescriptionId: hold.prescriptionId,
      holdId: placed.id,
      reason: hold.reason,
      placedBy: hold.placedBy,
      ...(hold.alertId ? { alertId: hold.alertId } : {}),
    });
    return { hold: placed, placed: true };
  }

  async lift(manager: EntityManager, hold: FraudHold, liftedBy: string, reason: string): Promise<FraudHold> {
    hold.liftedAt = new Date();
    hold.liftedBy = liftedBy;
    hold.liftReason = reason;
    await manager.update(FraudHold, { id: hold.id }, { liftedAt: hold.liftedAt, liftedBy, liftReason: reason });
    await audit(manager, {
      actor: liftedBy,
      action: 'hold-lifted',
      prescriptionId: hold.prescriptionId,
      alertId: hold.alertId,
      details: { holdId: hold.id, reason },
    });
    await this.outbox.append(manager, HoldLifted, hold.prescriptionId, {
      prescriptionId: hold.prescriptionId,
      holdId: hold.id,
      reason,
      liftedBy,
    });
    return hold;
  }
}
