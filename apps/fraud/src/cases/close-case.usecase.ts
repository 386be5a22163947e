import { Injectable } from '@nestjs/common';
import { CaseClosed } from '@ordo/contracts';
import { Outbox } from '@ordo/messaging';
import { DataSource } from 'typeorm';
import { CaseResolution, FraudAlert } from '../alerts/fraud-alert.entity';
import { RuleHit } from '../alerts/rule-hit.entity';
import { audit } from '../audit/audit-entry.entity';
import { StandingFeed } from '../checks/standing-feed';
import { HoldPlacement } from '../holds/hold-placement';
import { AlertNotFound, CaseAlreadyClosed } from './case.errors';

/**
 * An analyst closes a case. A false positive stops its rule hits from counting toward any score
 * and lifts the hold it caused; a confirmed fraud keeps the prescription on hold.
 */
@Injectable()
export class CloseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly holds: HoldPlacement,
    private readonly feed: StandingFeed,
  ) {}

  async execute(alertId: string, analyst: string, resolution: CaseResolution, reason: string): Promise<FraudAlert> {
    const closed = await this.dataSource.transaction(async (manager) => {
      const alert = await manager.findOne(FraudAlert, { where: { id: alertId }, lock: { mode: 'pessimistic_write' } });
      if (!alert) throw new AlertNotFound(alertId);
      if (alert.status !== 'open') throw new CaseAlreadyClosed(alertId);
      Object.assign(alert, { status: 'closed', resolution, resolutionReason: reason, closedBy: analyst, closedAt: new Date() });
      await manager.update(
        FraudAlert,
        { id: alert.id },
        { status: 'closed', resolution, resolutionReason: reason, closedBy: analyst, closedAt: alert.closedAt },
      );
      if (resolution === 'false-positive') {
        await manager.update(RuleHit, { prescriptionId: alert.prescriptionId, dismissed: false }, { dismissed: true });
        const hold = await this.holds.active(manager, alert.prescriptionId);
        if (hold) await this.holds.lift(manager, hold, analyst, `case closed as a false positive: ${reason}`);
      }
      await audit(manager, {
        actor: analyst,
        action: 'case-closed',
        prescriptionId: alert.prescriptionId,
        alertId: alert.id,
        details: { resolution, reason },
      });
      await this.outbox.append(manager, CaseClosed, alert.prescriptionId, {
        alertId: alert.id,
        prescriptionId: alert.prescriptionId,
        resolution,
        reason,
        closedBy: analyst,
      });
      return alert;
    });
    // Dismissed hits and a lifted hold change what verdicts read of the prescription and its patient.
    this.feed.changedOutsideStream([closed.prescriptionId], [closed.patientPseudonym]);
    return closed;
  }
}
