/**
 * The medium tier's own database, apart from `make up`'s `ordo_*` and the integration tests'
 * `ordo_test_*`, so a run never touches theirs. The global setup drops and migrates it each run.
 */
export const MEDIUM_DATABASE_PREFIX = 'ordo_medium';

export function mediumDatabase(service: 'dispensing'): string {
  return `${MEDIUM_DATABASE_PREFIX}_${service}`;
}
