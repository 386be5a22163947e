import { DomainError } from '@ordo/platform';

export class AlertNotFound extends DomainError {
  constructor(id: string) {
    super('ALERT_NOT_FOUND', `alert ${id} was not found`, 404);
  }
}

export class CaseAlreadyClosed extends DomainError {
  constructor(id: string) {
    super('CASE_ALREADY_CLOSED', `alert ${id} is already closed`, 409);
  }
}

export class HoldAlreadyActive extends DomainError {
  constructor(prescriptionId: string) {
    super('HOLD_ALREADY_ACTIVE', `prescription ${prescriptionId} is already on hold`, 409);
  }
}

export class NoActiveHold extends DomainError {
  constructor(prescriptionId: string) {
    super('NO_ACTIVE_HOLD', `prescription ${prescriptionId} is not on hold`, 404);
  }
}
