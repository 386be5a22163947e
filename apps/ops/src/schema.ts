import { InitialSchema1763800000000 } from './migrations/1763800000000-initial-schema';
import { StreamEvent } from './stream/stream-event.entity';

export const opsSchema = {
  service: 'ops',
  entities: [StreamEvent],
  migrations: [InitialSchema1763800000000],
};
