import { Topics } from '@ordo/contracts';
import { startService } from '@ordo/platform';
import { prescribingSettings } from './prescribing.settings';
import { PrescribingModule } from './prescribing.module';

startService({
  service: 'prescribing',
  module: PrescribingModule,
  settings: prescribingSettings,
  consumes: [Topics.dispensing],
});
