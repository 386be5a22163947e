export { BDPM_FILES } from './bdpm-records';
export type {
  BdpmFileName,
  Composition,
  CompositionNature,
  Condition,
  Medicine,
  ParseIssue,
  Presentation,
} from './bdpm-records';
export { decodeBdpmBytes, bdpmLines, cleanField } from './text-decoding';
export type { BdpmEncoding, DecodedText, NumberedLine } from './text-decoding';
export { parseEuroAmount, parseFrenchDate, parseRate } from './bdpm-values';
export {
  parseCompositions,
  parseConditions,
  parseMedicines,
  parsePresentations,
  readBdpmFolder,
} from './bdpm-parser';
export type { BdpmData, ParsedFile } from './bdpm-parser';
export {
  classifyConditions,
  foldConditionText,
  noDispensingConditions,
  requiresSecurePrescription,
} from './dispensing-conditions';
export type { DispensingConditions, DispensingPlace, SpecialtyRestriction } from './dispensing-conditions';
export { MAX_TREATMENT_DAYS, NARCOTIC_MAX_DAYS, checkPrescriptionLines, renewable } from './prescription-rules';
export type {
  LineUnderCheck,
  MedicineUnderCheck,
  PrescriptionUnderCheck,
  RuleViolation,
  RuleViolationCode,
} from './prescription-rules';
export { MEDICINE_TABLES, createMedicineTables, dropMedicineTables } from './schema';
export type { MedicineTable } from './schema';
export { importBdpm } from './bdpm-importer';
export type { BdpmImportOptions, BdpmImportResult } from './bdpm-importer';
export { MedicineCatalogue, pgMedicineQuery } from './medicine-catalogue';
export type { CatalogueMedicine, LineResolution, LineResolutionFailure, MedicineQuery } from './medicine-catalogue';
