/** A small JavaScript project with a real test script and a bug, for pipeline tests. */
export const BUGGY_SUM_PROJECT: Record<string, string> = {
  "package.json": `${JSON.stringify(
    {
      name: "calc",
      version: "1.0.0",
      private: true,
      type: "module",
      scripts: { test: "node --test" },
    },
    null,
    2,
  )}\n`,
  "README.md": "# calc\n\nTiny arithmetic helpers.\n",
  "src/sum.js": "export function sum(a, b) {\n  return a - b;\n}\n",
  "src/format.js": "export function format(n) {\n  return `= ${n}`;\n}\n",
  "test/sum.test.js":
    'import { test } from "node:test";\nimport assert from "node:assert/strict";\nimport { sum } from "../src/sum.js";\n\ntest("adds", () => {\n  assert.equal(sum(1, 2), 3);\n});\n',
};

export const SUM_ISSUE = {
  title: "sum() returns the difference",
  body: "`sum(1, 2)` in src/sum.js returns -1 instead of 3.",
};

export const SUM_PLAN = {
  summary: "Make sum() add its arguments.",
  steps: ["Replace the subtraction in src/sum.js with an addition"],
  files: ["src/sum.js"],
  testStrategy: "The existing test in test/sum.test.js covers it.",
  risks: [],
};

export const SUM_FIX = {
  command: "str_replace",
  path: "src/sum.js",
  old_str: "return a - b;",
  new_str: "return a + b;",
};
