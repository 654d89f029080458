import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { makeRepo, tempDir } from "../fakes/git-fixtures.js";

const REPO = {
  "src/parser.py": "def parse_header(line):\n    return line.split(':', 1)\n",
  "src/render.py": "def render(page):\n    return '<html>' + page + '</html>'\n",
  "src/cache.py": "class LruCache:\n    def get(self, key):\n        return None\n",
  "tests/test_parser.py":
    "from src.parser import parse_header\n\ndef test_parse_header():\n    assert parse_header('a: b')\n",
  "README.md": "# demo\n",
};

async function localize(args: string[]) {
  const out = { stdout: "", stderr: "" };
  const code = await main(["localize", ...args], {
    io: { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t) },
  });
  return { code, ...out };
}

describe("patchsmith localize", () => {
  it("prints exactly {files:[{path,score}]} best first, the named file on top", async () => {
    const repo = await makeRepo(REPO);
    const issue = path.join(await tempDir(), "issue.md");
    await writeFile(
      issue,
      "# parse_header drops the value\n\nCalling `parse_header('a:b:c')` loses everything after the second colon.\n",
    );
    const result = await localize(["--repo", repo, "--issue-file", issue, "--top", "3", "--json"]);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { files: { path: string; score: number }[] };
    expect(Object.keys(parsed)).toEqual(["files"]);
    expect(parsed.files.length).toBeLessThanOrEqual(3);
    expect(parsed.files[0]!.path).toBe("src/parser.py");
    for (const file of parsed.files) expect(Object.keys(file)).toEqual(["path", "score"]);
    const scores = parsed.files.map((f) => f.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it("adds reasons with --explain, and refuses a bad --top", async () => {
    const repo = await makeRepo(REPO);
    const issue = path.join(await tempDir(), "issue.md");
    await writeFile(issue, "# LruCache.get always misses\n");
    const explained = await localize([
      "--repo",
      repo,
      "--issue-file",
      issue,
      "--json",
      "--explain",
    ]);
    const parsed = JSON.parse(explained.stdout) as { files: { path: string; reasons: string[] }[] };
    expect(parsed.files[0]!.path).toBe("src/cache.py");
    expect(parsed.files[0]!.reasons.length).toBeGreaterThan(0);
    expect((await localize(["--repo", repo, "--issue-file", issue, "--top", "0"])).code).toBe(2);
  });
});
