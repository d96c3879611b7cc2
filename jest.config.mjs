// Jest runs the JS API tests against the built WASM module, real Dovecot and real sockets.
// ES modules need NODE_OPTIONS=--experimental-vm-modules (set by scripts/test.sh).
export default {
  testEnvironment: 'node',
  transform: {},
  testMatch: ['<rootDir>/tests/js/**/*.test.mjs'],
  moduleFileExtensions: ['js', 'mjs', 'json'],
  testTimeout: 60_000,
  maxWorkers: 2,
};
