import { Topics } from '@ordo/contracts';
import { startService } from '@ordo/platform';
import { FraudModule } from './fraud.module';
import { fraudSettings } from './fraud.settings';

startService({
  service: 'fraud',
  module: FraudModule,
  settings: fraudSettings,
  consumes: [Topics.prescriptions, Topics.dispensing, Topics.fraudChecks],
  // Every event reads and writes patients' windows: loaded and written once per batch of events.
  batchSize: 250,
});
