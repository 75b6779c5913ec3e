/**
 * Fault-injection tests: the system under load while a process, the broker or the read model's
 * database connections fail, judged by the history Checker. On the same real infrastructure as
 * the e2e tests, one scenario at a time. `npm run test:faults` (jest -c test/faults/jest.config.js).
 */
const base = require('../../jest.config.js').projects.find((project) => project.displayName === 'e2e');

module.exports = {
  ...base,
  rootDir: '../..',
  displayName: 'faults',
  // The Checker's own tests are *.int-spec.ts, so `npm test` (the e2e project) runs them too.
  testMatch: [
    '<rootDir>/test/faults/**/*.fault-spec.ts',
    '<rootDir>/test/faults/**/*.spec.ts',
    '<rootDir>/test/faults/**/*.int-spec.ts',
  ],
  maxWorkers: 1,
  reporters: ['default', '<rootDir>/test/setup/summary-reporter.js', '<rootDir>/test/faults/faults-reporter.js'],
};
