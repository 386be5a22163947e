import type { Resource } from './fhir-r4';

/**
 * A FHIR resource as a handler gives it back. The access log (libs/platform, AccessLogInterceptor)
 * learns which prescriptions an answer shows from its `id`, or from the `id` of each of its
 * `items`; a MedicationRequest's id names a line and a searchset has no items, so the answer carries
 * those for the log, and sends the client the resource alone (Fastify's JSON serializer calls toJSON).
 */
export class FhirAnswer {
  private constructor(
    private readonly resource: Resource,
    readonly id?: string,
    readonly items?: { id: string }[],
  ) {}

  /** A resource that shows one prescription (a MedicationRequest, the prescription Bundle). */
  static showing(resource: Resource, prescriptionId: string): FhirAnswer {
    return new FhirAnswer(resource, prescriptionId);
  }

  /** A resource that shows several (a searchset): each is recorded once. */
  static listing(resource: Resource, prescriptionIds: readonly string[]): FhirAnswer {
    return new FhirAnswer(
      resource,
      undefined,
      [...new Set(prescriptionIds)].map((id) => ({ id })),
    );
  }

  toJSON(): Resource {
    return this.resource;
  }
}
