// What require('pop3-wasm') finds on a Node that cannot require() ES modules (before 20.19 and
// 22.12): the package is ESM only, so say how to load it instead of failing obscurely.
throw Object.assign(
  new Error(
    "pop3-wasm is an ES module: load it with import() or `import { Pop3Client } from 'pop3-wasm'`, " +
      'or use Node >= 20.19 or >= 22.12, whose require() loads ES modules',
  ),
  { code: 'ERR_REQUIRE_ESM' },
);
