/** @type {import('jest').Config} */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

const ESM_ONLY_PACKAGES = ['octokit', '@octokit', 'universal-user-agent', 'json-with-bigint', 'toad-cache', 'universal-github-app-jwt', 'before-after-hook'];

module.exports = {
  testEnvironment: 'node',
  rootDir: __dirname,
  testMatch: ['<rootDir>/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/security/**/*.security-spec.ts', '<rootDir>/test/reliability/**/*.drill-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.data/'],
  transform: { '^.+\\.(ts|js)$': ['@swc/jest', swc] },
  // octokit ships ES modules only; Node 20.19+ requires them natively, jest's module loader needs them transpiled.
  transformIgnorePatterns: [`^(?!.*/node_modules/(${ESM_ONLY_PACKAGES.join('|')})/).*/node_modules/`],
  moduleNameMapper: {
    // Their exports offer `import` only, which jest's require-based resolver cannot pick.
    '^@octokit/(auth-unauthenticated|webhooks-methods)$': '<rootDir>/node_modules/@octokit/$1/dist-node/index.js',
    '^@flowmate/contracts/(.*)$': '<rootDir>/libs/contracts/src/$1',
    '^@flowmate/(contracts|db|config|integrations|crypto|observability)$': '<rootDir>/libs/$1/src',
    '^@flowmate/activities$': '<rootDir>/activities',
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};
