import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FraudHold } from '../holds/fraud-hold.entity';
import { HoldPlacement } from '../holds/hold-placement';
import { lockOpenAlert } from './open-alert';
import { HoldAlreadyActive } from './case.errors';

/** An analyst puts the prescription of an open case on hold. */
@Injectable()
export class PlaceHoldOnAlert {
  constructor(
    private readonly dataSource: DataSource,
    private readonly holds: HoldPlacement,
  ) {}

  async execute(alertId: string, analyst: string, reason: string): Promise<FraudHold> {
    return this.dataSource.transaction(async (manager) => {
      const alert = await lockOpenAlert(manager, alertId);
      const { hold, placed } = await this.holds.place(manager, {
        prescriptionId: alert.prescriptionId,
        alertId: alert.id,
        reason,
        placedBy: analyst,
      });
      if (!placed) throw new HoldAlreadyActive(alert.prescriptionId);
      return hold;
    });
  }
}
