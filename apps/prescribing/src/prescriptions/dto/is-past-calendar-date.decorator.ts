import { ValidationOptions, registerDecorator } from 'class-validator';

/**
 * A real calendar date (YYYY-MM-DD; 2026-02-30 is refused, which Date.parse would roll over) that is
 * not in the future and not before 1900.
 */
export function IsPastCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isPastCalendarDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be a real date (YYYY-MM-DD) between 1900 and today', ...options },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
          const [year, month, day] = value.split('-').map(Number);
          const date = new Date(Date.UTC(year, month - 1, day));
          const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
          return real && year >= 1900 && date.getTime() <= Date.now();
        },
      },
    });
}
