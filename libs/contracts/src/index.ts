import 'reflect-metadata';
export * from './topics';
export * from './envelope';
export * from './patient-block';
export * from './events/common';
export * from './events/prescription.events';
export * from './events/dispensing.events';
export * from './events/fraud.events';
export * from './events/registry';
