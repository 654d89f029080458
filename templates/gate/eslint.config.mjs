// patchsmith's built-in ESLint config, used on a repository's changed JS/TS files only when the
// repository has no ESLint config of its own. Lenient on style, strict on likely bugs.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const all = "**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}";
const typescript = "**/*.{ts,tsx,mts,cts}";

export default [
  { ignores: ["**/node_modules/**", "**/dist/**", "**/build/**", "**/coverage/**", "**/*.min.js"] },
  { files: [all], ...js.configs.recommended },
  {
    files: [all],
    languageOptions: { ecmaVersion: "latest", sourceType: "module" },
    linterOptions: { reportUnusedDisableDirectives: "off" },
    rules: {
      // Globals differ per environment (node, browser, test runners) and tsc already checks them.
      "no-undef": "off",
      "no-unused-vars": "warn",
    },
  },
  { files: ["**/*.cjs"], languageOptions: { sourceType: "commonjs" } },
  ...tseslint.configs.recommended.map((config) => ({ ...config, files: [typescript] })),
  {
    files: [typescript],
    rules: {
      "@typescript-eslint/no-unused-vars": "warn",
      "@typescript-eslint/no-explicit-any": "warn",
      "@typescript-eslint/no-require-imports": "off",
    },
  },
];
