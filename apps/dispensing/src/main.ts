import { Topics } from '@ordo/contracts';
import { runService } from '@ordo/platform';
import { DispensingModule } from './dispensing.module';

runService({
  service: 'dispensing',
  module: DispensingModule,
  defaultPort: 3002,
  consumes: [Topics.prescriptions, Topics.fraud],
}).catch((error) => {
  console.error(error);
  process.exit(1);
});
