/** Tests are TypeScript, compiled by swc to ES modules; they exercise the built package (`npm test` builds first). */
export default {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  extensionsToTreatAsEsm: [".ts"],
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      {
        jsc: { parser: { syntax: "typescript" }, target: "es2022" },
        module: { type: "es6" },
      },
    ],
  },
  moduleNameMapper: {
    "^greenlet-ts$": "<rootDir>/dist/runtime/index.js",
    // Test helpers are imported with the .js extension NodeNext wants; jest finds the .ts.
    "^(\\.{1,2}/.*)\\.js$": "$1",
  },
  testTimeout: 30000,
  reporters: ["default", "<rootDir>/test/helpers/summary-reporter.cjs"],
};
