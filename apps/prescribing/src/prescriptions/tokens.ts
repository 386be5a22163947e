export const PATIENT_KEYS = Symbol('ordo:patient-keys');
