import { FraudAlert } from './alerts/fraud-alert.entity';
import { InitialSchema1763800000000 } from './migrations/1763800000000-initial-schema';
import { WatchedPrescription } from './state/watched-prescription.entity';

export const fraudSchema = {
  service: 'fraud',
  entities: [FraudAlert, WatchedPrescription],
  migrations: [InitialSchema1763800000000],
};
