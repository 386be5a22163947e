import { Prescription } from './prescriptions/prescription.entity';
import { InitialSchema1763800000000 } from './migrations/1763800000000-initial-schema';

/** The entities and migrations of prescribing's database, for the service and the migrate tool. */
export const prescribingSchema = {
  service: 'prescribing',
  entities: [Prescription],
  migrations: [InitialSchema1763800000000],
};
