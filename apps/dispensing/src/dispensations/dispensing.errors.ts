import { DomainError } from '@ordo/platform';

export class PrescriptionUnknown extends DomainError {
  constructor(id: string) {
    super('PRESCRIPTION_UNKNOWN', `no prescription ${id} is known to dispensing`, 404);
  }
}

/** A code that does not verify: forged, altered, signed with an unknown or revoked key, unreadable. */
export class CodeRefused extends DomainError {
  constructor(code: string, message: string) {
    super(code, message, 422);
  }
}

/** The prescription cannot be claimed or dispensed now; `code` says why (ALREADY_DISPENSED, ON_HOLD, …). */
export class PrescriptionNotDispensable extends DomainError {
  constructor(code: string, message: string, status = 409, details: Record<string, unknown> = {}) {
    super(code, message, status, details);
  }
}

export class ClaimNotFound extends DomainError {
  constructor(id: string) {
    super('CLAIM_NOT_FOUND', `no claim ${id} for your pharmacy`, 404);
  }
}

export class ClaimClosed extends DomainError {
  constructor(id: string, status: string) {
    super(`CLAIM_${status.toUpperCase()}`, `claim ${id} is ${status}`, 409);
  }
}
