import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { EventContract } from './common';
import {
  DispensingRefused,
  PrescriptionClaimed,
  PrescriptionDispensed,
  PrescriptionReleased,
  PrescriptionScanned,
} from './dispensing.events';
import { CaseClosed, FraudAlertRaised, FraudCheckRequested, FraudVerdict, HoldLifted, HoldPlaced } from './fraud.events';
import { PrescriptionCancelled, PrescriptionExpired, PrescriptionIssued, PrescriptionStatusChanged } from './prescription.events';

/** Every event type Ordo knows. A type missing here is unknown to the whole system. */
export const EVENT_CONTRACTS: readonly EventContract[] = [
  PrescriptionIssued,
  PrescriptionCancelled,
  PrescriptionExpired,
  PrescriptionStatusChanged,
  PrescriptionScanned,
  PrescriptionClaimed,
  PrescriptionReleased,
  PrescriptionDispensed,
  DispensingRefused,
  FraudAlertRaised,
  HoldPlaced,
  HoldLifted,
  CaseClosed,
  FraudCheckRequested,
  FraudVerdict,
];

const byType = new Map(EVENT_CONTRACTS.map((contract) => [contract.type, contract]));

export function contractOf(type: string): EventContract | undefined {
  return byType.get(type);
}

export class InvalidEventData extends Error {
  readonly code = 'INVALID_EVENT_DATA';
}

export class UnknownEventType extends Error {
  readonly code = 'UNKNOWN_EVENT_TYPE';
}

/** Checks an event's data against its contract and returns it as an instance of the payload class. */
export function decodeEventData<T extends object>(contract: EventContract<T>, data: unknown): T {
  const instance = plainToInstance(contract, data) as T;
  const errors = validateSync(instance, { forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new InvalidEventData(`${contract.type}: ${describeErrors(errors).join('; ')}`);
  }
  return instance;
}

function describeErrors(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => `${path}: ${message}`);
    return [...own, ...describeErrors(error.children ?? [], path)];
  });
}
