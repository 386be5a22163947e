import { Topics } from '@ordo/contracts';
import { runService } from '@ordo/platform';
import { PrescribingModule } from './prescribing.module';

runService({
  service: 'prescribing',
  module: PrescribingModule,
  defaultPort: 3001,
  consumes: [Topics.dispensing],
}).catch((error) => {
  console.error(error);
  process.exit(1);
});
