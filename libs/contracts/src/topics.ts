/** Kafka topics. Every event is keyed by its prescription ID so one prescription's events stay in order. */
export const Topics = {
  prescriptions: 'ordo.prescriptions',
  dispensing: 'ordo.dispensing',
  fraud: 'ordo.fraud',
  fraudChecks: 'ordo.fraud.checks',
  fraudCheckReplies: 'ordo.fraud.checks.reply',
} as const;

export type Topic = (typeof Topics)[keyof typeof Topics];

export const DEAD_LETTER_SUFFIX = '.dlq';

export function deadLetterTopicOf(topic: string): string {
  return `${topic}${DEAD_LETTER_SUFFIX}`;
}

export function isDeadLetterTopic(topic: string): boolean {
  return topic.endsWith(DEAD_LETTER_SUFFIX);
}

/** The topics that carry domain events, each with its dead-letter topic. */
export function allTopics(): string[] {
  const main = Object.values(Topics);
  return [...main, ...main.map(deadLetterTopicOf)];
}
