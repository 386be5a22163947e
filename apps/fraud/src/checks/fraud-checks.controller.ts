import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { FraudCheckRequested } from '@ordo/contracts';
import { EventContext, EventsController } from '@ordo/messaging';
import { RecordPresentation } from '../state/record-presentation.usecase';

/**
 * Records each check as a presentation at the asking pharmacy (windows, rules, case, hold), through
 * the inbox, so exactly once in effect. The verdict itself was already sent by VerdictResponder.
 */
@EventsController()
export class FraudChecksController {
  constructor(private readonly recordPresentation: RecordPresentation) {}

  @EventPattern(FraudCheckRequested.type)
  async onCheckRequested(@Payload() request: FraudCheckRequested, @Ctx() context: EventContext) {
    await this.recordPresentation.execute(context, {
      trigger: 'check',
      prescriptionId: request.prescriptionId,
      pharmacyFiness: request.pharmacyFiness,
      facts: { narcotic: request.narcotic || undefined },
    });
  }
}
