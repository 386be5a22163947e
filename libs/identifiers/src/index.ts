export { luhnValid, luhnCheckDigit, withLuhnCheckDigit } from './luhn';
export { isRpps } from './rpps';
export { isFiness } from './finess';
export { isNir, isIns, nirKey, canonicalNir } from './nir';
export { isCip13, cip13CheckDigit, withCip13CheckDigit } from './cip13';
export { isCis } from './cis';
export { IsRpps, IsFiness, IsNir, IsIns, IsCip13, IsCis } from './decorators';
