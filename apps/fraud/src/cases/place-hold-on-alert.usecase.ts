import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FraudAlert } from '../alerts/fraud-alert.entity';
import { FraudHold } from '../holds/fraud-hold.entity';
import { StandingFeed } from '../checks/standing-feed';
import { HoldPlacement } from '../holds/hold-placement';
import { AlertNotFound, CaseAlreadyClosed, HoldAlreadyActive } from './case.errors';

/** An analyst puts the prescription of an open case on hold. */
@Injectable()
export class PlaceHoldOnAlert {
  constructor(
    private readonly dataSource: DataSource,
    private readonly holds: HoldPlacement,
    private readonly feed: StandingFeed,
  ) {}

  async execute(alertId: string, analyst: string, reason: string): Promise<FraudHold> {
    let prescriptionId: string | undefined;
    try {
      return await this.dataSource.transaction(async (manager) => {
        const alert = await manager.findOne(FraudAlert, { where: { id: alertId }, lock: { mode: 'pessimistic_write' } });
        if (!alert) throw new AlertNotFound(alertId);
        if (alert.status !== 'open') throw new CaseAlreadyClosed(alertId);
        prescriptionId = alert.prescriptionId;
        const { hold, placed } = await this.holds.place(manager, {
          prescriptionId: alert.prescriptionId,
          alertId: alert.id,
          reason,
          placedBy: analyst,
        });
        if (!placed) throw new HoldAlreadyActive(alert.prescriptionId);
        return hold;
      });
    } finally {
      // Also when it failed: a COMMIT whose answer was lost may have placed it.
      if (prescriptionId) this.feed.changedOutsideStream([prescriptionId], []);
    }
  }
}
