import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { PrescriptionCancelled, PrescriptionExpired, PrescriptionIssued } from '@ordo/contracts';
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
        given: {},
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
}
