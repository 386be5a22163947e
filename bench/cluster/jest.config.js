// `npm run bench:cluster` runs the cluster benchmark under jest, which compiles the cluster test's
// machinery (test/cluster) it measures with, as for the tests; it is no test, and `make test` never
// matches it. It starts its own Kafka cluster, databases and services: no global setup.
const { projects } = require('../../jest.config.js');

const integration = projects.find((project) => project.displayName === 'integration');

module.exports = {
  rootDir: integration.rootDir,
  testEnvironment: integration.testEnvironment,
  transform: integration.transform,
  moduleNameMapper: integration.moduleNameMapper,
  modulePathIgnorePatterns: integration.modulePathIgnorePatterns,
  testMatch: ['<rootDir>/bench/cluster/cluster-measurements.ts'],
};
