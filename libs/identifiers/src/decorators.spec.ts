import { validateSync } from 'class-validator';
import { IsCip13, IsCis, IsFiness, IsIns, IsNir, IsRpps } from './decorators';

class PrescriberBody {
  @IsRpps() rpps: unknown;
  @IsFiness() finess: unknown;
  @IsNir() nir: unknown;
  @IsIns() ins: unknown;
  @IsCip13() cip13: unknown;
  @IsCis() cis: unknown;
}

function body(values: Partial<PrescriberBody>): PrescriberBody {
  return Object.assign(new PrescriberBody(), {
    rpps: '79927398713',
    finess: '750712184',
    nir: '2 95 10 99 126 111 93',
    ins: '253072A07300443',
    cip13: '3400949497294',
    cis: '60002283',
    ...values,
  });
}

function messages(values: Partial<PrescriberBody>): Record<string, string[]> {
  return Object.fromEntries(validateSync(body(values)).map((e) => [e.property, Object.values(e.constraints ?? {})]));
}

describe('identifier decorators', () => {
  it('pass valid identifiers', () => {
    expect(validateSync(body({}))).toEqual([]);
  });

  it('name the field and the rule in the message', () => {
    expect(messages({ rpps: '79927398714', finess: '75071218', nir: '295109912611199', ins: 1, cip13: '3400949497295', cis: 'x' })).toEqual(
      {
        rpps: ['rpps must be an 11-digit RPPS number with a valid Luhn check digit'],
        finess: ['finess must be a 9-digit FINESS number with a valid Luhn check digit'],
        nir: [
          'nir must be a NIR/INS: 13 characters (digits, 2A or 2B for Corsica) and a 2-digit key equal to 97 minus the number mod 97, spaces allowed',
        ],
        ins: [
          'ins must be a NIR/INS: 13 characters (digits, 2A or 2B for Corsica) and a 2-digit key equal to 97 minus the number mod 97, spaces allowed',
        ],
        cip13: ['cip13 must be a 13-digit CIP13 code starting with 34009 with a valid EAN-13 check digit'],
        cis: ['cis must be an 8-digit CIS code'],
      },
    );
  });

  it('validate each element of an array and accept a custom message', () => {
    class Order {
      @IsCip13({ each: true }) packs: unknown;
      @IsCis({ message: 'pick a medicine from the BDPM' }) cis: unknown;
    }
    const order = Object.assign(new Order(), { packs: ['3400949497294', '3400949497295'], cis: '1' });
    const errors = Object.fromEntries(validateSync(order).map((e) => [e.property, Object.values(e.constraints ?? {})]));
    expect(errors).toEqual({
      packs: ['each value in packs must be a 13-digit CIP13 code starting with 34009 with a valid EAN-13 check digit'],
      cis: ['pick a medicine from the BDPM'],
    });
  });
});
