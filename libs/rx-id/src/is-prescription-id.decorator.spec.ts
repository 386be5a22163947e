import { validateSync } from 'class-validator';
import { IsPrescriptionId } from './is-prescription-id.decorator';

class ManualEntry {
  @IsPrescriptionId() prescriptionId: unknown;
}

function messagesFor(value: unknown): string[] {
  const entry = Object.assign(new ManualEntry(), { prescriptionId: value });
  return validateSync(entry).flatMap((e) => Object.values(e.constraints ?? {}));
}

describe('@IsPrescriptionId()', () => {
  it('accepts an ID the way a pharmacist types it', () => {
    expect(messagesFor('7k3m 9qxr 2hvt wb4p 03')).toEqual([]);
    expect(messagesFor('7K3M9QXR2HVTWB4P03')).toEqual([]);
  });

  it('says a character was mistyped when only the check digits disagree', () => {
    expect(messagesFor('7K3M-9QXR-2HVT-WB4P-04')).toEqual([
      'prescriptionId is not a valid prescription ID: the check digits do not match, a character was mistyped',
    ]);
  });

  it('describes the expected shape for anything else', () => {
    for (const value of ['7K3M-9QXR', 42, undefined]) {
      expect(messagesFor(value)).toEqual([
        'prescriptionId must be a prescription ID: 16 Crockford base32 characters and 2 check digits, such as 7K3M-9QXR-2HVT-WB4P-03',
      ]);
    }
  });

  it('validates each element of an array', () => {
    class Batch {
      @IsPrescriptionId({ each: true }) ids: unknown;
    }
    const errors = validateSync(Object.assign(new Batch(), { ids: ['7K3M9QXR2HVTWB4P03', 'nope'] }));
    expect(errors.flatMap((e) => Object.values(e.constraints ?? {}))).toEqual([
      'each value in ids must be a prescription ID: 16 Crockford base32 characters and 2 check digits, such as 7K3M-9QXR-2HVT-WB4P-03',
    ]);
  });
});
