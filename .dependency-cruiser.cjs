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
