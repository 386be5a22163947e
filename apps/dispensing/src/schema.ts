import { Dispensation } from './dispensations/dispensation.entity';
import { Claim } from './claims/claim.entity';
import { InitialSchema1763800000000 } from './migrations/1763800000000-initial-schema';
import { Claims1763900000000 } from './migrations/1763900000000-claims';
import { AccessLog1764000000000 } from './migrations/1764000000000-access-log';
import { OutboxWithoutNotify1765200000000 } from './migrations/1765200000000-outbox-without-notify';
import { DispensablePrescription } from './prescriptions/dispensable-prescription.entity';

export const dispensingSchema = {
  service: 'dispensing',
  entities: [DispensablePrescription, Dispensation, Claim],
  migrations: [InitialSchema1763800000000, Claims1763900000000, AccessLog1764000000000, OutboxWithoutNotify1765200000000],
};
