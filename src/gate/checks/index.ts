import type { GateCheck } from "../types.js";
import { formatCheck } from "./format.js";
import { lintCheck } from "./lint.js";
import { policyCheck } from "./policy.js";
import { secretsCheck } from "./secrets.js";
import { testsCheck } from "./tests.js";
import { typecheckCheck } from "./typecheck.js";

/**
 * In the order they run: format first because it rewrites files, the cheap diff-only checks next,
 * the tests last because they are the slowest.
 */
export const registeredChecks: readonly GateCheck[] = [
  formatCheck,
  policyCheck,
  secretsCheck,
  lintCheck,
  typecheckCheck,
  testsCheck,
];
