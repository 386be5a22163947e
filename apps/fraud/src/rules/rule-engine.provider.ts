import { Provider } from '@nestjs/common';
import { FRAUD_CONFIG, FraudConfig, fraudConfigFromEnv } from '../config/fraud-config';
import { FraudRuleEngine } from './fraud-rule-engine';

export const fraudRuleProviders: Provider[] = [
  { provide: FRAUD_CONFIG, useFactory: () => fraudConfigFromEnv() },
  { provide: FraudRuleEngine, inject: [FRAUD_CONFIG], useFactory: (config: FraudConfig) => new FraudRuleEngine(config) },
];
