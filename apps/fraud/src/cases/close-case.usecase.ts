import { Injectable } from '@nestjs/common';
import { CaseClosed } from '@ordo/contracts';
import { Outbox } from '@ordo/messaging';
import { DataSource } from 'typeorm';
import { CaseResolution, FraudAlert } from '../alerts/fraud-alert.entity';
import { audit } from '../audit/audit-entry.entity';
import { HoldPlacement } from '../holds/hold-placement';
import { lockOpenAlert } from './open-alert';

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
  ) {}

  async execute(alertId: string, analyst: string, resolution: CaseResolution, reason: string): Promise<FraudAlert> {
    return this.dataSource.transaction(async (manager) => {
      const alert = await lockOpenAlert(manager, alertId);
      Object.assign(alert, { status: 'closed', resolution, resolutionReason: reason, closedBy: analyst, closedAt: new Date() });
      await manager.update(
        FraudAlert,
        { id: alert.id },
        { status: 'closed', resolution, resolutionReason: reason, closedBy: analyst, closedAt: alert.closedAt },
      );
      if (resolution === 'false-positive') {
        await manager.query('UPDATE rule_hit SET dismissed = true WHERE prescription_id = $1 AND NOT dismissed', [alert.prescriptionId]);
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
  }
}
