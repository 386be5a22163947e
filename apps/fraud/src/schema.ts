import { FraudAlert } from './alerts/fraud-alert.entity';
import { RuleHit } from './alerts/rule-hit.entity';
import { AuditEntry } from './audit/audit-entry.entity';
import { FraudHold } from './holds/fraud-hold.entity';
import { InitialSchema1763800000000 } from './migrations/1763800000000-initial-schema';
import { RulesHoldsCases1764000000000 } from './migrations/1764000000000-rules-holds-cases';
import { ParkedEvents1764100000000 } from './migrations/1764100000000-parked-events';
import { OutboxWithoutNotify1765200000000 } from './migrations/1765200000000-outbox-without-notify';
import { Signals1765300000000 } from './migrations/1765300000000-signals';
import { PrescriberWatchedDays1765400000000 } from './migrations/1765400000000-prescriber-watched-days';
import { PatientActivity } from './state/patient-activity.entity';
import { PrescriberRegistryEntry } from './state/prescriber-registry.entity';
import { WatchedPrescription } from './state/watched-prescription.entity';

export const fraudSchema = {
  service: 'fraud',
  entities: [FraudAlert, RuleHit, FraudHold, AuditEntry, WatchedPrescription, PatientActivity, PrescriberRegistryEntry],
  migrations: [
    InitialSchema1763800000000,
    RulesHoldsCases1764000000000,
    ParkedEvents1764100000000,
    OutboxWithoutNotify1765200000000,
    Signals1765300000000,
    PrescriberWatchedDays1765400000000,
  ],
};
