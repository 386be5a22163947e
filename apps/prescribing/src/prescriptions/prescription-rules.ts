import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LineRegulation, PrescribedLine } from '@ordo/contracts';
import { CatalogueMedicine, LineResolution, MedicineCatalogue, checkPrescriptionLines, requiresSecurePrescription } from '@ordo/medicines';
import { DataSource } from 'typeorm';
import { IssuePrescriptionDto } from './dto/issue-prescription.dto';
import { PrescriptionRulesViolated } from './prescription.errors';

/** The BDPM changes when it is re-imported, not between two prescriptions: lookups are cached briefly. */
const CACHE_TTL_MS = 10 * 60 * 1000;

/**
 * Resolves each line against the BDPM and applies the French prescribing rules (docs/french-rules.md#rules-at-issue) at issue
 * time. Returns the lines as they will be stored and sent, or refuses them all with every violation.
 */
@Injectable()
export class PrescriptionRules {
  private readonly catalogue: MedicineCatalogue;
  private readonly cache = new Map<string, { at: number; resolution: Promise<LineResolution> }>();

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.catalogue = new MedicineCatalogue((sql, params) => dataSource.query(sql, params));
  }

  async check(request: IssuePrescriptionDto, issuedAt: Date): Promise<PrescribedLine[]> {
    const resolutions = await Promise.all(request.lines.map((line) => this.resolve(line)));
    const unknown = resolutions.flatMap((resolution, index) =>
      resolution.found ? [] : [{ code: resolution.code, lineNo: index + 1, message: resolution.message }],
    );
    if (unknown.length > 0) throw new PrescriptionRulesViolated(unknown);

    const secure = request.secure ?? false;
    const medicines = resolutions.map((resolution) => (resolution as Extract<LineResolution, { found: true }>).medicine);
    const violations = checkPrescriptionLines(
      { secure, issuedAt },
      request.lines.map((line, index) => ({
        lineNo: index + 1,
        quantity: line.quantity,
        durationDays: line.durationDays,
        renewals: line.renewals,
        fractionDays: line.fractionDays ?? null,
        medicine: medicines[index],
      })),
    );
    if (violations.length > 0) throw new PrescriptionRulesViolated(violations);

    return request.lines.map((line, index) => {
      const resolution = resolutions[index] as Extract<LineResolution, { found: true }>;
      return {
        lineNo: index + 1,
        cis: resolution.medicine.cis,
        ...(line.cip13 ? { cip13: line.cip13 } : {}),
        label: line.label ?? resolution.medicine.name,
        dosage: line.dosage,
        quantity: line.quantity,
        unit: line.unit,
        durationDays: line.durationDays,
        renewals: line.renewals,
        substitutable: line.substitutable ?? true,
        ...(line.fractionDays ? { fractionDays: line.fractionDays } : {}),
        regulation: regulationOf(resolution.medicine),
      };
    });
  }

  private resolve(line: { cis?: string; cip13?: string }): Promise<LineResolution> {
    const key = `${line.cis ?? ''}|${line.cip13 ?? ''}`;
    const cached = this.cache.get(key);
    if (cached && Date.now() - cached.at < CACHE_TTL_MS) return cached.resolution;
    const resolution = this.catalogue.resolveLine(line);
    this.cache.set(key, { at: Date.now(), resolution });
    resolution.catch(() => this.cache.delete(key));
    if (this.cache.size > 20000) this.cache.delete(this.cache.keys().next().value!);
    return resolution;
  }
}

function regulationOf(medicine: CatalogueMedicine): LineRegulation {
  const { conditions } = medicine;
  return {
    narcotic: conditions.narcotic,
    listI: conditions.listI,
    listII: conditions.listII,
    securePrescription: requiresSecurePrescription(conditions),
    quantitiesInWords: conditions.narcotic || conditions.secureWithQuantitiesInWords,
    ...(conditions.fractionedDispensingDays ? { fractionedDispensingDays: conditions.fractionedDispensingDays } : {}),
    substances: [...new Set(medicine.compositions.filter((c) => c.nature === 'SA').map((c) => c.substanceName))],
  };
}
