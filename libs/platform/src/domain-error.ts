/**
 * A refusal the domain can explain: a stable machine-readable `code`, the HTTP status it maps to,
 * and optional details (the field or line it concerns). Apps subclass it per case.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 422,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}
