import { DeadLetterReplay } from './dead-letters/dead-letter-replay.entity';
import { InitialSchema1763800000000 } from './migrations/1763800000000-initial-schema';
import { Dashboard1764000000000 } from './migrations/1764000000000-dashboard';
import { OutboxWithoutNotify1765200000000 } from './migrations/1765200000000-outbox-without-notify';
import { StreamEvent } from './stream/stream-event.entity';

export const opsSchema = {
  service: 'ops',
  entities: [StreamEvent, DeadLetterReplay],
  migrations: [InitialSchema1763800000000, Dashboard1764000000000, OutboxWithoutNotify1765200000000],
};
