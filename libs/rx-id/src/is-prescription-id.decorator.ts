import { ValidateBy, ValidationArguments, ValidationOptions, buildMessage } from 'class-validator';
import { parsePrescriptionId } from './prescription-id';

const FORMAT_MESSAGE =
  '$property must be a prescription ID: 16 Crockford base32 characters and 2 check digits, ' + 'such as 7K3M-9QXR-2HVT-WB4P-03';
const CHECK_DIGITS_MESSAGE = '$property is not a valid prescription ID: the check digits do not match, a character was mistyped';

/**
 * Accepts every form `parsePrescriptionId` accepts (any case, separators, O/I/L folding); the
 * handler still parses the value to get the canonical ID. The message tells a mistyped ID
 * (check digits) from something that is not an ID at all.
 */
export function IsPrescriptionId(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPrescriptionId',
      validator: {
        validate: (value: unknown): boolean => parsePrescriptionId(value).ok,
        defaultMessage: buildMessage((eachPrefix: string, args?: ValidationArguments) => {
          const parsed = parsePrescriptionId(args?.value);
          const mistyped = !parsed.ok && parsed.reason === 'check-digits';
          return eachPrefix + (mistyped ? CHECK_DIGITS_MESSAGE : FORMAT_MESSAGE);
        }, options),
      },
    },
    options,
  );
}
