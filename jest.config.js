/** Unit tests sit beside the code; integration and e2e tests under test/ share one global setup. */
const shared = {
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
  moduleNameMapper: { '^@converge/(.*)$': '<rootDir>/libs/$1/src' },
};

module.exports = {
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/setup/summary-reporter.js'],
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: [
        '<rootDir>/test/**/*.int-spec.ts',
        '<rootDir>/test/**/*.e2e-spec.ts',
        '<rootDir>/test/**/*.browser-spec.ts',
      ],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
      slowTestThreshold: 30,
      setupFilesAfterEnv: ['<rootDir>/test/setup/e2e-timeouts.ts'],
    },
    {
      // Checks of the deployment files (docker-compose.yml, infra/): they read files and schemas
      // only, so they run without the e2e global setup and the Kafka and PostgreSQL it starts.
      ...shared,
      displayName: 'ops',
      testMatch: ['<rootDir>/test/ops/**/*.spec.ts'],
    },
  ],
};
