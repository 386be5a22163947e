import { Provider } from '@nestjs/common';
import { SERVICE_CONFIG } from '@ordo/config';
import { FRAUD_CONFIG, FraudConfig, FraudRuleValues, fraudConfigFrom } from '../config/fraud-config';
import { FraudRuleEngine } from './fraud-rule-engine';

export const fraudRuleProviders: Provider[] = [
  { provide: FRAUD_CONFIG, inject: [SERVICE_CONFIG], useFactory: (values: FraudRuleValues) => fraudConfigFrom(values) },
  { provide: FraudRuleEngine, inject: [FRAUD_CONFIG], useFactory: (config: FraudConfig) => new FraudRuleEngine(config) },
];
