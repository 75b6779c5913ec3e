/**
 * The boundaries converge keeps: each service owns its code and data; libs hold mechanisms
 * and never reach into a service. Checked in CI by `npm run lint:boundaries`.
 */
module.exports = {
  forbidden: [
    {
      name: 'cart-does-not-import-cart-query',
      severity: 'error',
      from: { path: '^apps/cart/' },
      to: { path: '^apps/cart-query/' },
    },
    {
      name: 'cart-query-does-not-import-cart',
      severity: 'error',
      from: { path: '^apps/cart-query/' },
      to: { path: '^apps/cart/' },
    },
    {
      name: 'studio-uses-public-interfaces-only',
      comment: 'The studio watches the services over HTTP and Kafka, as any client could: never through their code.',
      severity: 'error',
      from: { path: '^apps/studio/' },
      to: { path: '^apps/(cart|cart-query)/' },
    },
    {
      name: 'studio-reads-no-database',
      comment: 'Each service owns its data: the studio has no database driver to reach theirs with.',
      severity: 'error',
      from: { path: '^apps/studio/' },
      to: { path: '(^|node_modules/)(typeorm|pg|@nestjs/typeorm)(/|$)' },
    },
    {
      name: 'services-do-not-import-the-studio',
      severity: 'error',
      from: { path: '^apps/(cart|cart-query)/' },
      to: { path: '^apps/studio/' },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'libs-do-not-import-tests',
      severity: 'error',
      from: { path: '^(libs|apps)/' },
      to: { path: '^test/' },
    },
    {
      name: 'platform-knows-no-kafka-or-contracts',
      comment: 'The platform serves any service: apps hand it their readiness checks and ids.',
      severity: 'error',
      from: { path: '^libs/platform/' },
      to: { path: '^libs/(kafka|contracts)/' },
    },
    {
      name: 'backoff-lives-in-its-own-lib',
      comment: 'Retry pacing is owned once: the outbox, the broker and the read side share it.',
      severity: 'error',
      from: {},
      to: { path: '(^|/)backoff[^/]*[.]ts$', pathNot: '^libs/backoff/' },
    },
    {
      name: 'backoff-through-its-index',
      comment: 'Only the lib itself reaches past its index.',
      severity: 'error',
      from: { pathNot: '^libs/backoff/' },
      to: { path: '^libs/backoff/', pathNot: '^libs/backoff/src/index[.]ts$' },
    },
    {
      name: 'backoff-is-a-leaf',
      comment: 'Everything that retries imports it, so it imports nothing of ours.',
      severity: 'error',
      from: { path: '^libs/backoff/' },
      to: { path: '^(libs|apps)/', pathNot: '^libs/backoff/' },
    },
    {
      name: 'tracing-loads-before-nest',
      comment:
        'Each service imports it first, to instrument http and pg before they load: it may import no Nest and none of our libs.',
      severity: 'error',
      from: { path: '^libs/tracing/' },
      to: { path: '(^|node_modules/)@nestjs/|^libs/(?!tracing/)|^apps/' },
    },
    {
      name: 'contracts-is-a-leaf',
      comment: 'The language both services speak depends on no mechanism of ours.',
      severity: 'error',
      from: { path: '^libs/contracts/' },
      to: { path: '^(libs|apps)/', pathNot: '^libs/contracts/' },
    },
    {
      name: 'anti-entropy-compares-trees-only',
      comment: 'Digest trees over SQL and HTTP: it knows no broker, outbox, gate or cart contract.',
      severity: 'error',
      from: { path: '^libs/anti-entropy/' },
      to: { path: '^libs/(kafka|outbox|version-gate|idempotent-consumer|session-token|contracts)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: ['^dist/', '^node_modules/'] },
  },
};
