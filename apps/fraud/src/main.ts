import { Topics } from '@ordo/contracts';
import { runService } from '@ordo/platform';
import { FraudModule } from './fraud.module';

runService({
  service: 'fraud',
  module: FraudModule,
  defaultPort: 3003,
  consumes: [Topics.prescriptions, Topics.dispensing, Topics.fraudChecks],
  // Every event reads and writes patients' windows: loaded and written once per batch of events.
  batchSize: 250,
  // The verdict worker trusts its memory only while this consumer owns every partition.
  tracksOwnership: true,
}).catch((error) => {
  console.error(error);
  process.exit(1);
});
