import { DomainError } from '@ordo/platform';

export class DeadLetterNotFound extends DomainError {
  constructor(topic: string, partition: number, offset: string) {
    super('DEAD_LETTER_NOT_FOUND', `no dead letter recorded at ${topic}[${partition}]@${offset}`, 404);
  }
}

/** The letter cannot go back: its origin is missing or not an Ordo topic, or its bytes were not kept. */
export class DeadLetterNotReplayable extends DomainError {
  constructor(message: string) {
    super('DEAD_LETTER_NOT_REPLAYABLE', message, 409);
  }
}
