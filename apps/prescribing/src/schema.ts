import { Prescription } from './prescriptions/prescription.entity';
import { InitialSchema1763800000000 } from './migrations/1763800000000-initial-schema';
import { PrescriptionDetails1763900000000 } from './migrations/1763900000000-prescription-details';
import { MedicineCatalogue1764000000000 } from './migrations/1764000000000-medicine-catalogue';
import { AccessLog1765000000000 } from './migrations/1765000000000-access-log';
import { IdempotentRequests1765100000000 } from './migrations/1765100000000-idempotent-requests';
import { OutboxWithoutNotify1765200000000 } from './migrations/1765200000000-outbox-without-notify';

/** The entities and migrations of prescribing's database, for the service and the migrate tool. */
export const prescribingSchema = {
  service: 'prescribing',
  entities: [Prescription],
  migrations: [
    InitialSchema1763800000000,
    PrescriptionDetails1763900000000,
    MedicineCatalogue1764000000000,
    AccessLog1765000000000,
    IdempotentRequests1765100000000,
    OutboxWithoutNotify1765200000000,
  ],
};
