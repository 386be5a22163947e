import { startService } from '@ordo/platform';
import { opsSettings } from './ops.config';
import { OpsModule } from './ops.module';

// Ops records every topic through its own EventRecorder rather than the event transport: it must
// keep what others would dead-letter.
startService({ service: 'ops', module: OpsModule, settings: opsSettings, consumes: [] });
