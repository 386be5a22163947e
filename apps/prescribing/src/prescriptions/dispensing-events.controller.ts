import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { PrescriptionClaimed, PrescriptionDispensed, PrescriptionReleased } from '@ordo/contracts';
import { EventContext, EventsController } from '@ordo/messaging';
import { RecordDispensing } from './record-dispensing.usecase';

@EventsController()
export class DispensingEventsController {
  constructor(private readonly recordDispensing: RecordDispensing) {}

  @EventPattern(PrescriptionClaimed.type)
  async onClaimed(@Payload() event: PrescriptionClaimed, @Ctx() context: EventContext) {
    await this.recordDispensing.execute(context.manager, event.prescriptionId, 'CLAIMED', PrescriptionClaimed.type);
  }

  @EventPattern(PrescriptionReleased.type)
  async onReleased(@Payload() event: PrescriptionReleased, @Ctx() context: EventContext) {
    await this.recordDispensing.execute(context.manager, event.prescriptionId, event.status, PrescriptionReleased.type);
  }

  @EventPattern(PrescriptionDispensed.type)
  async onDispensed(@Payload() event: PrescriptionDispensed, @Ctx() context: EventContext) {
    await this.recordDispensing.execute(
      context.manager,
      event.prescriptionId,
      event.complete ? 'DISPENSED' : 'PARTIALLY_DISPENSED',
      PrescriptionDispensed.type,
    );
  }
}
