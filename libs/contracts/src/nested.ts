import { Transform, Type } from 'class-transformer';
import { IsArray, IsDefined, IsObject, IsOptional, ValidateNested } from 'class-validator';

// class-validator's ValidateNested passes a missing value: left alone, `{ "lines": [] }` without a
// `patient` reaches the code that reads `patient.ins`. These say at once that the value is required
// (or optional), what shape it has, and which class validates it.

type Decorate = (target: object, property: string) => void;

function all(...decorators: PropertyDecorator[]): Decorate {
  return (target, property) => decorators.forEach((decorate) => decorate(target, property));
}

/** A nested object, validated as `type`; required unless `optional`, never null, never an array. */
export function NestedObject(type: () => new () => object, options: { optional?: boolean } = {}): Decorate {
  return all(options.optional ? IsOptional() : IsDefined(), IsObject(), ValidateNested(), Type(type));
}

/** An array of nested objects, each validated as `type`; required unless `optional`. */
export function NestedArray(type: () => new () => object, options: { optional?: boolean } = {}): Decorate {
  return all(options.optional ? IsOptional() : IsDefined(), IsArray(), ValidateNested({ each: true }), Type(type));
}

/**
 * A whole number written in decimal in a query or a path (`?limit=20`); anything else (`0x10`,
 * `1e3`, `20.0`, ` 20`) stays text, so `@IsInt()` refuses it where `Number()` would have read it.
 */
export function DecimalInteger(): PropertyDecorator {
  return Transform(({ value }) => (typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value));
}
