import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { HoldLifted, HoldPlaced, PrescriptionCancelled, PrescriptionExpired, PrescriptionIssued } from '@ordo/contracts';
import { Sql } from '@ordo/database';
import { EventContext, EventsController } from '@ordo/messaging';
import { DispensablePrescriptionRepository } from './dispensable-prescription.repository';

/** Builds the read model of dispensable prescriptions from prescribing's events, in each event's inbox transaction. */
@EventsController()
export class PrescriptionEventsController {
  constructor(
    private readonly sql: Sql,
    private readonly prescriptions: DispensablePrescriptionRepository,
  ) {}

  @EventPattern(PrescriptionIssued.type)
  async onIssued(@Payload() issued: PrescriptionIssued, @Ctx() { manager }: EventContext) {
    await this.prescriptions.insertIssued(this.sql.within(manager), issued);
  }

  @EventPattern(PrescriptionCancelled.type)
  async onCancelled(@Payload() cancelled: PrescriptionCancelled, @Ctx() { manager }: EventContext) {
    await this.prescriptions.setStatus(this.sql.within(manager), cancelled.prescriptionId, 'CANCELLED');
  }

  @EventPattern(PrescriptionExpired.type)
  async onExpired(@Payload() expired: PrescriptionExpired, @Ctx() { manager }: EventContext) {
    await this.prescriptions.setStatus(this.sql.within(manager), expired.prescriptionId, 'EXPIRED');
  }

  /** Fraud holds a prescription: claims are refused until the hold is lifted. */
  @EventPattern(HoldPlaced.type)
  async onHoldPlaced(@Payload() hold: HoldPlaced, @Ctx() { manager }: EventContext) {
    await this.prescriptions.placeHold(this.sql.within(manager), hold.prescriptionId, hold.holdId);
  }

  @EventPattern(HoldLifted.type)
  async onHoldLifted(@Payload() lifted: HoldLifted, @Ctx() { manager }: EventContext) {
    await this.prescriptions.liftHold(this.sql.within(manager), lifted.prescriptionId, lifted.holdId);
  }
}
