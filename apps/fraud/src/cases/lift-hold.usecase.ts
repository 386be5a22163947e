import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FraudHold } from '../holds/fraud-hold.entity';
import { HoldPlacement } from '../holds/hold-placement';
import { NoActiveHold } from './case.errors';

/** An analyst lifts the hold on a prescription; dispensing may then claim it again. */
@Injectable()
export class LiftHold {
  constructor(
    private readonly dataSource: DataSource,
    private readonly holds: HoldPlacement,
  ) {}

  async execute(prescriptionId: string, analyst: string, reason: string): Promise<FraudHold> {
    return this.dataSource.transaction(async (manager) => {
      const hold = await this.holds.active(manager, prescriptionId);
      if (!hold) throw new NoActiveHold(prescriptionId);
      return this.holds.lift(manager, hold, analyst, reason);
    });
  }
}
