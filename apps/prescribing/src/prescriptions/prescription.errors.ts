import { DomainError } from '@ordo/platform';

export class PrescriptionNotFound extends DomainError {
  constructor(id: string) {
    super('PRESCRIPTION_NOT_FOUND', `no prescription ${id} among yours`, 404);
  }
}

export class PrescriptionNotCancellable extends DomainError {
  constructor(id: string, status: string) {
    const claimed = status === 'CLAIMED';
    super(
      claimed ? 'PRESCRIPTION_CLAIMED' : 'PRESCRIPTION_NOT_CANCELLABLE',
      claimed
        ? `prescription ${id} is claimed by a pharmacy; it can be cancelled once released`
        : `prescription ${id} is ${status.toLowerCase().replace('_', ' ')} and can no longer be cancelled`,
      409,
    );
  }
}

/** One or more lines break a French prescribing rule; each violation names its line and rule. */
export class PrescriptionRulesViolated extends DomainError {
  constructor(violations: { code: string; lineNo: number; message: string }[]) {
    super(violations[0].code, violations.map((v) => `line ${v.lineNo}: ${v.message}`).join('; '), 422, { violations });
  }
}
