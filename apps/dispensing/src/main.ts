import { Topics } from '@ordo/contracts';
import { startService } from '@ordo/platform';
import { dispensingSettings } from './dispensing.settings';
import { DispensingModule } from './dispensing.module';

startService({
  service: 'dispensing',
  module: DispensingModule,
  settings: dispensingSettings,
  consumes: [Topics.prescriptions, Topics.fraud],
});
