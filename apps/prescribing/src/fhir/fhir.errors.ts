import { DomainError } from '@ordo/platform';

/** The prescription is the caller's, but has no such line. */
export class UnknownLine extends DomainError {
  constructor(prescriptionId: string, lineNo: number) {
    super('UNKNOWN_LINE', `prescription ${prescriptionId} has no line ${lineNo}`, 404);
  }
}

/** A resource type this service does not serve, under /fhir. */
export class ResourceTypeNotSupported extends DomainError {
  constructor(type: string, served: readonly string[]) {
    super('RESOURCE_TYPE_NOT_SUPPORTED', `this FHIR API serves ${served.join(' and ')}, not ${type}`, 404);
  }
}

/** An interaction the API does not offer: updating, deleting, or reading what it only searches (docs/fhir.md). */
export class InteractionNotSupported extends DomainError {
  constructor(request: string, offered: string) {
    super('INTERACTION_NOT_SUPPORTED', `${request} is not supported: this FHIR API ${offered}`, 405);
  }
}
