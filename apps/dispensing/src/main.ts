import { Topics } from '@ordo/contracts';
import { startService } from '@ordo/platform';
import { dispensingSettings } from './dispensing.settings';
import { DispensingModule } from './dispensing.module';

startService({
  service: 'dispensing',
  module: DispensingModule,
  settings: dispensingSettings,
  consumes: [Topics.prescriptions, Topics.fraud],
  // One transaction (and one inbox INSERT) for the events a fetch brings, not one each: measured in
  // docs/architecture.md#the-inbox (the lifecycle benchmark, side by side).
  batchSize: 50,
});
