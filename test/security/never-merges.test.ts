/**
 * The bot never approves, merges or closes a pull request, and never deletes a branch: there is
 * no code path for it. This keeps it so: any GitHub route or GraphQL mutation that would do it,
 * anywhere in src/, fails here and has to be argued for.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { expect, it } from "vitest";

const FORBIDDEN: [string, RegExp][] = [
  ["the merge route", /pulls\/\{pull_number\}\/merge|\/merge["'`]/],
  ["a review that approves", /["']APPROVE["']/],
  ["the GraphQL merge mutation", /mergePullRequest|enablePullRequestAutoMerge/],
  ["the GraphQL approve mutation", /addPullRequestReview\b[\s\S]{0,200}APPROVE/],
  ["closing a pull request or issue", /state:\s*["']closed["']/],
  ["deleting a ref", /DELETE \/repos\/\{owner\}\/\{repo\}\/git\/refs/],
];

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sources(full)));
    else if (entry.name.endsWith(".ts")) out.push(full);
  }
  return out;
}

it("src/ has no code path that approves, merges, closes or deletes branches", async () => {
  const files = await sources(path.resolve("src"));
  expect(files.length).toBeGreaterThan(50);
  for (const file of files) {
    const text = await readFile(file, "utf8");
    for (const [what, pattern] of FORBIDDEN)
      expect(pattern.test(text), `${what} in ${file}`).toBe(false);
  }
});
