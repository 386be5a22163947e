import { dispensingSchema } from '../../apps/dispensing/src/schema';
import { fraudSchema } from '../../apps/fraud/src/schema';
import { opsSchema } from '../../apps/ops/src/schema';
import { prescribingSchema } from '../../apps/prescribing/src/schema';

/** Each service's entities and migrations; the migrate step applies them to the service's own database. */
export const SCHEMAS = [prescribingSchema, dispensingSchema, fraudSchema, opsSchema];
