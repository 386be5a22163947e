import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
import { PrescriptionId, parsePrescriptionId } from '@ordo/rx-id';
import { isUUID } from 'class-validator';

export interface FieldError {
  field: string;
  rule: string;
  message: string;
}

export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({ field, rule, message }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** Unknown fields are refused, and a 400 names every field that broke a rule and the rule it broke. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
  });
}

/** A 400 as the validation pipe gives it: every field named with the rule it broke. */
export function validationFailed(fieldErrors: FieldError[]): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    code: 'VALIDATION_FAILED',
    message: fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; '),
    errors: fieldErrors,
  });
}

/** A path parameter that must be a UUID, refused as the validation pipe refuses a body field. */
@Injectable()
export class UuidParam implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    const field = metadata.data ?? 'id';
    if (!isUUID(value)) throw validationFailed([{ field, rule: 'isUuid', message: `${field} must be a UUID` }]);
    return value;
  }
}

/** A path parameter that must be a prescription ID (any typed form); gives back the canonical ID. */
@Injectable()
export class PrescriptionIdParam implements PipeTransform<string, PrescriptionId> {
  transform(value: string, metadata: ArgumentMetadata): PrescriptionId {
    const field = metadata.data ?? 'id';
    const parsed = parsePrescriptionId(value);
    if (parsed.ok) return parsed.id;
    const message =
      parsed.reason === 'check-digits'
        ? `${field} has wrong check digits: a character is mistyped`
        : `${field} must be a prescription ID (16 letters or digits and 2 check digits)`;
    throw validationFailed([{ field, rule: 'isPrescriptionId', message }]);
  }
}
