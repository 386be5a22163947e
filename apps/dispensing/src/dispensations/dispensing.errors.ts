import { DomainError } from '@ordo/platform';

export class PrescriptionUnknown extends DomainError {
  constructor(id: string) {
    super('PRESCRIPTION_UNKNOWN', `no prescription ${id} is known to dispensing`, 404);
  }
}

/** The prescription cannot be dispensed now; `code` says why (ALREADY_DISPENSED, CANCELLED, …). */
export class PrescriptionNotDispensable extends DomainError {
  constructor(code: string, message: string, status = 409) {
    super(code, message, status);
  }
}
