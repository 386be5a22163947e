import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DispensingRefused, PrescriptionDispensed, PrescriptionIssued } from '@ordo/contracts';
import { EventContext, EventsController } from '@ordo/messaging';
import { RaiseAlertOnRefusal } from '../alerts/raise-alert.usecase';
import { WatchedPrescription } from './watched-prescription.entity';

@EventsController()
export class EventStateController {
  constructor(private readonly raiseAlertOnRefusal: RaiseAlertOnRefusal) {}

  @EventPattern(PrescriptionIssued.type)
  async onIssued(@Payload() issued: PrescriptionIssued, @Ctx() { manager }: EventContext) {
    await manager
      .createQueryBuilder()
      .insert()
      .into(WatchedPrescription)
      .values({
        id: issued.prescriptionId,
        prescriberRpps: issued.prescriberRpps,
        patientPseudonym: issued.patientPseudonym,
        issuedAt: new Date(issued.issuedAt),
      })
      .orIgnore()
      .execute();
  }

  @EventPattern(PrescriptionDispensed.type)
  async onDispensed(@Payload() dispensed: PrescriptionDispensed, @Ctx() { manager }: EventContext) {
    await manager.increment(WatchedPrescription, { id: dispensed.prescriptionId }, 'dispensings', 1);
  }

  @EventPattern(DispensingRefused.type)
  async onRefused(@Payload() refused: DispensingRefused, @Ctx() { manager, event }: EventContext) {
    await manager.increment(WatchedPrescription, { id: refused.prescriptionId }, 'refusals', 1);
    await this.raiseAlertOnRefusal.execute(manager, refused, event);
  }
}
