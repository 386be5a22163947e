const DIGITS = /^\d+$/;

/**
 * Luhn sum of a digit string, doubling every second digit counted from the right.
 * `doubleRightmost` is true when the rightmost digit is a body digit (a check digit is about to
 * be appended) and false when the string already ends with its check digit.
 */
function luhnSum(digits: string, doubleRightmost: boolean): number {
  let sum = 0;
  for (let fromRight = 0; fromRight < digits.length; fromRight++) {
    let digit = digits.charCodeAt(digits.length - 1 - fromRight) - 48;
    if ((fromRight % 2 === 0) === doubleRightmost) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum;
}

/** True when `digits` (check digit last) passes the Luhn test. Non-digit strings fail. */
export function luhnValid(digits: string): boolean {
  return typeof digits === 'string' && digits.length >= 2 && DIGITS.test(digits) && luhnSum(digits, false) % 10 === 0;
}

/** The Luhn check digit to append to `body`, as a one-character string. */
export function luhnCheckDigit(body: string): string {
  if (typeof body !== 'string' || !DIGITS.test(body)) {
    throw new RangeError(`Luhn body must be a non-empty string of digits, got ${JSON.stringify(body)}`);
  }
  return String((10 - (luhnSum(body, true) % 10)) % 10);
}

/** `body` followed by its Luhn check digit: how tools and tests make valid RPPS and FINESS numbers. */
export function withLuhnCheckDigit(body: string): string {
  return body + luhnCheckDigit(body);
}
