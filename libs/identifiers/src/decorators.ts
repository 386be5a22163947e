import { ValidateBy, ValidationOptions, buildMessage } from 'class-validator';
import { isCip13 } from './cip13';
import { isCis } from './cis';
import { isFiness } from './finess';
import { isNir } from './nir';
import { isRpps } from './rpps';

// Each rule is spelt out in its message so a client developer can fix the input without the docs.
const RULES = {
  rpps: { test: isRpps, message: '$property must be an 11-digit RPPS number with a valid Luhn check digit' },
  finess: { test: isFiness, message: '$property must be a 9-digit FINESS number with a valid Luhn check digit' },
  nir: {
    test: isNir,
    message:
      '$property must be a NIR/INS: 13 characters (digits, 2A or 2B for Corsica) and a 2-digit key ' +
      'equal to 97 minus the number mod 97, spaces allowed',
  },
  cip13: {
    test: isCip13,
    message: '$property must be a 13-digit CIP13 code starting with 34009 with a valid EAN-13 check digit',
  },
  cis: { test: isCis, message: '$property must be an 8-digit CIS code' },
} as const;

type IdentifierRule = keyof typeof RULES;

function identifierDecorator(name: string, rule: IdentifierRule, options?: ValidationOptions): PropertyDecorator {
  const { test, message } = RULES[rule];
  return ValidateBy(
    {
      name,
      validator: {
        validate: (value: unknown): boolean => test(value),
        defaultMessage: buildMessage((eachPrefix) => eachPrefix + message, options),
      },
    },
    options,
  );
}

export function IsRpps(options?: ValidationOptions): PropertyDecorator {
  return identifierDecorator('isRpps', 'rpps', options);
}

export function IsFiness(options?: ValidationOptions): PropertyDecorator {
  return identifierDecorator('isFiness', 'finess', options);
}

export function IsNir(options?: ValidationOptions): PropertyDecorator {
  return identifierDecorator('isNir', 'nir', options);
}

/** The patient's INS (INS-NIR form): the same rule as `@IsNir()`, named for what the field holds. */
export function IsIns(options?: ValidationOptions): PropertyDecorator {
  return identifierDecorator('isIns', 'nir', options);
}

export function IsCip13(options?: ValidationOptions): PropertyDecorator {
  return identifierDecorator('isCip13', 'cip13', options);
}

export function IsCis(options?: ValidationOptions): PropertyDecorator {
  return identifierDecorator('isCis', 'cis', options);
}
