import { Dispensation } from './dispensations/dispensation.entity';
import { InitialSchema1763800000000 } from './migrations/1763800000000-initial-schema';
import { DispensablePrescription } from './prescriptions/dispensable-prescription.entity';

export const dispensingSchema = {
  service: 'dispensing',
  entities: [DispensablePrescription, Dispensation],
  migrations: [InitialSchema1763800000000],
};
