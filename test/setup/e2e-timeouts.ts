// Integration and e2e tests start processes and wait on real brokers.
jest.setTimeout(60_000);
