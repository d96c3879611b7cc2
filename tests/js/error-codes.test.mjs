// The error codes are listed in three places until one source generates them: the core
// (core/src/error.cpp), the JS ErrorCode object and the TypeScript union. This holds them
// together: every code the core can report exists in JS and in the types, and JS and types agree.
import { readFileSync } from 'node:fs';

import { ErrorCode } from '../../bindings/js/node.js';

const read = (path) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

test('every core error code is in ErrorCode and in the ErrorCodeName type, and those two agree', () => {
  const switchBody = read('core/src/error.cpp');
  const core = [...switchBody.matchAll(/case ErrorCode::k\w+:\s*return "([A-Z_]+)";/g)].map((m) => m[1]);
  expect(core.length).toBeGreaterThan(15);
  const union = /export type ErrorCodeName =([^;]+);/.exec(read('bindings/js/index.d.ts'))[1];
  const types = [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]);
  expect(core.filter((code) => !(code in ErrorCode))).toEqual([]);
  expect(core.filter((code) => !types.includes(code))).toEqual([]);
  expect(Object.keys(ErrorCode).sort()).toEqual([...new Set(types)].sort());
  expect(Object.entries(ErrorCode).filter(([key, value]) => key !== value)).toEqual([]);
});
