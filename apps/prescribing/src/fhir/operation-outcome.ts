import type { OperationOutcome, OperationOutcomeIssue } from './fhir-r4';
import { ORDO_ERROR_CODE_SYSTEM } from './fhir-systems';
import { narrative } from './narrative';

/** An error as the JSON API answers it (libs/platform's HttpErrorFilter): the same stable code under /fhir. */
export interface ErrorAnswer {
  statusCode: number;
  code: string;
  message: string;
  /** A 400 VALIDATION_FAILED: each field and the rule it broke. */
  errors?: { field: string; rule: string; message: string }[];
  /** A 422 of the French rules: each line and the rule it broke. */
  violations?: { code: string; lineNo: number; message: string }[];
}

/** R4's IssueType (a required binding) for an HTTP status. */
function issueType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid';
    case 401:
      return 'login';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 405:
    case 406:
    case 415:
      return 'not-supported';
    case 409:
      return 'conflict';
    case 413:
      return 'too-long';
    case 422:
      return 'business-rule';
    case 429:
      return 'throttled';
    case 503:
      return 'transient';
    default:
      return status >= 500 ? 'exception' : 'processing';
  }
}

function issue(status: number, code: string, text: string, diagnostics?: string): OperationOutcomeIssue {
  return {
    severity: status >= 500 ? 'fatal' : 'error',
    code: issueType(status),
    // The code a client branches on is Ordo's, the same as in the JSON API's `code`.
    details: { coding: [{ system: ORDO_ERROR_CODE_SYSTEM, code }], text },
    ...(diagnostics ? { diagnostics } : {}),
  };
}

/**
 * The JSON API's error answer as an OperationOutcome: one issue per field or line at fault when
 * the answer names them (each with the answer's code, and the field and rule in `diagnostics`),
 * else one issue.
 */
export function operationOutcome(answer: ErrorAnswer): OperationOutcome {
  const { statusCode: status, code, message } = answer;
  const issues: OperationOutcomeIssue[] = [
    ...(answer.errors ?? []).map((error) => issue(status, code, error.message, `${error.field}: ${error.rule}`)),
    ...(answer.violations ?? []).map((violation) => issue(status, violation.code, violation.message, `line ${violation.lineNo}`)),
  ];
  return {
    resourceType: 'OperationOutcome',
    text: narrative([`${status} ${code}: ${message}`]),
    issue: issues.length > 0 ? issues : [issue(status, code, message)],
  };
}
