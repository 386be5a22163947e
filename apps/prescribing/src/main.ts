import { Topics } from '@ordo/contracts';
import { startService } from '@ordo/platform';
import { prescribingSettings } from './prescribing.settings';
import { PrescribingModule } from './prescribing.module';

startService({
  service: 'prescribing',
  module: PrescribingModule,
  settings: prescribingSettings,
  consumes: [Topics.dispensing],
  // One transaction (and one inbox INSERT) for the events a fetch brings: docs/architecture.md#the-inbox.
  batchSize: 50,
});
