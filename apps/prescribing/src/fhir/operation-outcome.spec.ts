import { ArgumentsHost, ForbiddenException, Logger, UnauthorizedException } from '@nestjs/common';
import { validationFailed } from '@ordo/platform';
import { PrescriptionNotFound } from '../prescriptions/prescription.errors';
import { FhirErrorFilter } from './fhir-error.filter';
import type { OperationOutcome } from './fhir-r4';
import { ORDO_ERROR_CODE_SYSTEM } from './fhir-systems';
import { operationOutcome } from './operation-outcome';

describe('an error as an OperationOutcome', () => {
  it('carries the JSON API’s stable code in the details, and the HTTP status as an issue type', () => {
    expect(operationOutcome({ statusCode: 404, code: 'PRESCRIPTION_NOT_FOUND', message: 'no prescription X among yours' })).toEqual({
      resourceType: 'OperationOutcome',
      text: {
        status: 'generated',
        div: '<div xmlns="http://www.w3.org/1999/xhtml"><p>404 PRESCRIPTION_NOT_FOUND: no prescription X among yours</p></div>',
      },
      issue: [
        {
          severity: 'error',
          code: 'not-found',
          details: { coding: [{ system: ORDO_ERROR_CODE_SYSTEM, code: 'PRESCRIPTION_NOT_FOUND' }], text: 'no prescription X among yours' },
        },
      ],
    });
  });

  it.each([
    [400, 'invalid'],
    [401, 'login'],
    [403, 'forbidden'],
    [405, 'not-supported'],
    [409, 'conflict'],
    [413, 'too-long'],
    [415, 'not-supported'],
    [422, 'business-rule'],
    [429, 'throttled'],
    [503, 'transient'],
    [500, 'exception'],
  ])('gives %i the issue type %s', (statusCode, type) => {
    const [issue] = operationOutcome({ statusCode, code: 'ANY', message: 'm' }).issue;
    expect(issue.code).toBe(type);
    expect(issue.severity).toBe(statusCode >= 500 ? 'fatal' : 'error');
  });

  it('gives one issue per field at fault, naming the field and the rule', () => {
    const outcome = operationOutcome({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: 'status: …; authoredon: …',
      errors: [
        { field: 'status', rule: 'isMedicationRequestStatus', message: 'status must be among …' },
        { field: 'authoredon', rule: 'isFhirDate', message: 'authoredon must be a FHIR date' },
      ],
    });
    expect(outcome.issue.map((issue) => [issue.details?.coding?.[0].code, issue.diagnostics])).toEqual([
      ['VALIDATION_FAILED', 'status: isMedicationRequestStatus'],
      ['VALIDATION_FAILED', 'authoredon: isFhirDate'],
    ]);
  });
});

describe('the FHIR error filter', () => {
  function caught(exception: unknown): { status: number; headers: Record<string, string>; body: OperationOutcome } {
    const sent = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown as OperationOutcome };
    const reply = {
      code(status: number) {
        sent.status = status;
        return reply;
      },
      header(name: string, value: string) {
        sent.headers[name] = value;
        return reply;
      },
      send(body: OperationOutcome) {
        sent.body = body;
        return reply;
      },
    };
    const http = { getRequest: () => ({}), getResponse: () => reply, getNext: () => undefined };
    new FhirErrorFilter().catch(exception, { switchToHttp: () => http } as unknown as ArgumentsHost);
    return sent;
  }

  it('answers a domain refusal with its status and code, as application/fhir+json', () => {
    const { status, headers, body } = caught(new PrescriptionNotFound('VFQEXDE5Z7ZXB6D741'));
    expect(status).toBe(404);
    expect(headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    expect(body.issue[0]).toMatchObject({ code: 'not-found', details: { coding: [{ code: 'PRESCRIPTION_NOT_FOUND' }] } });
  });

  it('answers the guard’s refusals with the codes the JSON API gives', () => {
    const unauthenticated = caught(new UnauthorizedException({ statusCode: 401, code: 'UNAUTHENTICATED', message: 'token has expired' }));
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.body.issue[0]).toMatchObject({
      code: 'login',
      details: { coding: [{ code: 'UNAUTHENTICATED' }], text: 'token has expired' },
    });
    const forbidden = caught(new ForbiddenException({ statusCode: 403, code: 'FORBIDDEN', message: 'requires role prescriber' }));
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.issue[0]).toMatchObject({ code: 'forbidden', details: { coding: [{ code: 'FORBIDDEN' }] } });
  });

  it('answers a refused parameter naming it', () => {
    const { status, body } = caught(
      validationFailed([{ field: 'authoredon', rule: 'isFhirDate', message: 'authoredon must be a FHIR date' }]),
    );
    expect(status).toBe(400);
    expect(body.issue).toEqual([expect.objectContaining({ code: 'invalid', diagnostics: 'authoredon: isFhirDate' })]);
  });

  it('tells nothing of an internal error but that it happened', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { status, body } = caught(new Error('connection to 10.0.0.7 refused'));
    expect(status).toBe(500);
    expect(JSON.stringify(body)).not.toContain('10.0.0.7');
    expect(body.issue[0]).toMatchObject({ severity: 'fatal', code: 'exception', details: { coding: [{ code: 'INTERNAL_ERROR' }] } });
    expect(logged).toHaveBeenCalled();
    logged.mockRestore();
  });
});
