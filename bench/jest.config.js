/** Benchmarks run on the same real infrastructure as the tests, but only when asked for. */
const base = require('../jest.config.js').projects.find((project) => project.displayName === 'e2e');

module.exports = {
  ...base,
  rootDir: '..',
  displayName: 'bench',
  testMatch: ['<rootDir>/bench/**/*.bench.ts'],
  maxWorkers: 1,
};
