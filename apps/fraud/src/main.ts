import { Topics } from '@ordo/contracts';
import { runService } from '@ordo/platform';
import { FraudModule } from './fraud.module';

runService({
  service: 'fraud',
  module: FraudModule,
  defaultPort: 3003,
  consumes: [Topics.prescriptions, Topics.dispensing, Topics.fraudChecks],
}).catch((error) => {
  console.error(error);
  process.exit(1);
});
