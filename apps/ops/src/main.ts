import { runService } from '@ordo/platform';
import { OpsModule } from './ops.module';

// Ops records every topic through its own EventRecorder rather than the event transport: it must
// keep what others would dead-letter.
runService({ service: 'ops', module: OpsModule, defaultPort: 3004, consumes: [] }).catch((error) => {
  console.error(error);
  process.exit(1);
});
