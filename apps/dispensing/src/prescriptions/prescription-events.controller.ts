import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { HoldLifted, HoldPlaced, PrescriptionCancelled, PrescriptionExpired, PrescriptionIssued } from '@ordo/contracts';
import { EventContext, EventsController } from '@ordo/messaging';
import { DispensablePrescription } from './dispensable-prescription.entity';

/** Builds the read model of dispensable prescriptions from prescribing's events. */
@EventsController()
export class PrescriptionEventsController {
  @EventPattern(PrescriptionIssued.type)
  async onIssued(@Payload() issued: PrescriptionIssued, @Ctx() { manager }: EventContext) {
    await manager
      .createQueryBuilder()
      .insert()
      .into(DispensablePrescription)
      .values({
        id: issued.prescriptionId,
        prescriberRpps: issued.prescriberRpps,
        patientPseudonym: issued.patientPseudonym,
        patient: issued.patient,
        lines: issued.lines,
        progress: {},
        holdId: null,
        secure: issued.secure,
        status: 'ISSUED',
        issuedAt: new Date(issued.issuedAt),
        validUntil: new Date(issued.validUntil),
      })
      .orIgnore()
      .execute();
  }

  @EventPattern(PrescriptionCancelled.type)
  async onCancelled(@Payload() cancelled: PrescriptionCancelled, @Ctx() { manager }: EventContext) {
    await manager.update(DispensablePrescription, { id: cancelled.prescriptionId }, { status: 'CANCELLED' });
  }

  @EventPattern(PrescriptionExpired.type)
  async onExpired(@Payload() expired: PrescriptionExpired, @Ctx() { manager }: EventContext) {
    await manager.update(DispensablePrescription, { id: expired.prescriptionId }, { status: 'EXPIRED' });
  }

  /** Fraud holds a prescription: claims are refused until the hold is lifted. */
  @EventPattern(HoldPlaced.type)
  async onHoldPlaced(@Payload() hold: HoldPlaced, @Ctx() { manager }: EventContext) {
    await manager.update(DispensablePrescription, { id: hold.prescriptionId }, { holdId: hold.holdId });
  }

  @EventPattern(HoldLifted.type)
  async onHoldLifted(@Payload() lifted: HoldLifted, @Ctx() { manager }: EventContext) {
    await manager.update(DispensablePrescription, { id: lifted.prescriptionId, holdId: lifted.holdId }, { holdId: null });
  }
}
