import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { PrescriptionDispensed } from '@ordo/contracts';
import { EventContext, EventsController } from '@ordo/messaging';
import { RecordDispensing } from './record-dispensing.usecase';

@EventsController()
export class DispensingEventsController {
  constructor(private readonly recordDispensing: RecordDispensing) {}

  @EventPattern(PrescriptionDispensed.type)
  async onDispensed(@Payload() event: PrescriptionDispensed, @Ctx() context: EventContext) {
    await this.recordDispensing.execute(context.manager, event);
  }
}
