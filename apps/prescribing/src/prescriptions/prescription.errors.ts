import { DomainError } from '@ordo/platform';

export class PrescriptionNotFound extends DomainError {
  constructor(id: string) {
    super('PRESCRIPTION_NOT_FOUND', `no prescription ${id} among yours`, 404);
  }
}
