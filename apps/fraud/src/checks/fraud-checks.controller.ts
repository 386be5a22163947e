import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { FraudCheckRequested } from '@ordo/contracts';
import { EventContext, EventsController } from '@ordo/messaging';
import { AnswerFraudCheck } from './answer-fraud-check.usecase';
import { VerdictPublisher } from './verdict-publisher';

@EventsController()
export class FraudChecksController {
  constructor(
    private readonly answerFraudCheck: AnswerFraudCheck,
    private readonly verdicts: VerdictPublisher,
  ) {}

  @EventPattern(FraudCheckRequested.type)
  async onCheckRequested(@Payload() request: FraudCheckRequested, @Ctx() { manager, event }: EventContext) {
    const verdict = await this.answerFraudCheck.execute(manager, request, event);
    // Sent before the inbox transaction commits: if it then fails, the retry answers again, and
    // dispensing keeps the first answer for its checkId.
    await this.verdicts.publish(verdict, event);
  }
}
