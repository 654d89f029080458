import { execFileSync } from "node:child_process";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localize } from "../../../src/context/localize.js";
import { Bm25Index, isTestFile, tokenize, TestIndex } from "../../../src/context/rank/index.js";

const FILES: Record<string, string> = {
  "pkg/__init__.py": "from .sessions import Session\nfrom .models import Request, Response\n",
  "pkg/models.py":
    "class Request:\n    def prepare_headers(self, headers):\n        return dict(headers)\n\n" +
    "class Response:\n    def json(self):\n        return parse_body(self.body)\n",
  "pkg/sessions.py":
    "from .models import Request\n\nclass Session:\n    def send(self, request):\n        return self.adapter.send(request)\n",
  "pkg/adapters.py":
    "class HTTPAdapter:\n    def send(self, request, timeout=None):\n        return None\n",
  "pkg/utils.py":
    "def parse_body(text):\n    return text\n\ndef guess_encoding(headers):\n    return 'utf-8'\n",
  "tests/test_models.py":
    "from pkg.models import Request\n\ndef test_prepare_headers():\n    assert Request\n",
  "tests/test_utils.py":
    "from pkg.utils import parse_body\n\ndef test_parse_body():\n    assert parse_body('x')\n",
  "src/http/headers.js":
    "export function parseHeader(line) {\n  const [name, value] = line.split(':');\n  return { name, value };\n}\n",
  "src/http/client.js":
    "import { parseHeader } from './headers.js';\nexport function request(url, headers) {\n  return headers.map(parseHeader);\n}\n",
  "src/render/template.ts":
    "export function tokenizeTemplate(source: string): string[] {\n  return source.split(/\\s+/);\n}\n",
  "src/render/compile.ts":
    "import { tokenizeTemplate } from './template.js';\nexport function compile(source: string) {\n  return tokenizeTemplate(source).join('');\n}\n",
  "docs/usage.md": "# Usage\nSend a request with headers, parse the body, render a template.\n",
};

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "patchsmith-rank-"));
  for (const [file, content] of Object.entries(FILES)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
  git("init", "-q");
  git("add", ".");
  git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "fixture");
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const firstSource = async (query: string) => {
  const ranked = await localize({ dir, query, top: 10 });
  return ranked.filter((file) => !isTestFile(file.path))[0]?.path;
};

describe("localize", () => {
  it("ranks a mentioned path first", async () => {
    expect(
      await firstSource(
        "Sending a request with headers breaks; the culprit is in pkg/utils.py I think",
      ),
    ).toBe("pkg/utils.py");
  });

  it("ranks the file that defines a mentioned symbol first", async () => {
    expect(
      await firstSource("`tokenizeTemplate` drops the last word when compiling a template"),
    ).toBe("src/render/template.ts");
  });

  it("ranks the deepest Python traceback frame of the repository first", async () => {
    const query = [
      "Sending fails with a timeout",
      "Traceback (most recent call last):",
      '  File "/home/me/app.py", line 3, in <module>',
      '  File "/usr/lib/python3/site-packages/pkg/sessions.py", line 5, in send',
      '  File "/usr/lib/python3/site-packages/pkg/adapters.py", line 3, in send',
      "TypeError: boom",
    ].join("\n");
    expect(await firstSource(query)).toBe("pkg/adapters.py");
  });

  it("ranks a JavaScript stack frame's file first", async () => {
    const query =
      "request() throws on headers\n\nTypeError: x\n    at parseHeader (src/http/headers.js:2:30)\n";
    expect(await firstSource(query)).toBe("src/http/headers.js");
  });

  it("lets a chosen source file bring its tests right after it", async () => {
    const ranked = await localize({
      dir,
      query: "Request.prepare_headers in pkg/models.py loses duplicates",
      top: 5,
    });
    const paths = ranked.map((file) => file.path);
    expect(paths[0]).toBe("pkg/models.py");
    expect(paths[1]).toBe("tests/test_models.py");
  });

  it("returns the shape the CLI prints: path and score, best first, reasons only when asked", async () => {
    const ranked = await localize({ dir, query: "parse_body returns the wrong encoding", top: 4 });
    expect(ranked.length).toBe(4);
    const printed = JSON.parse(JSON.stringify({ files: ranked })) as {
      files: Record<string, unknown>[];
    };
    for (const file of printed.files) {
      expect(Object.keys(file).sort()).toEqual(["path", "score"]);
      expect(typeof file.path).toBe("string");
      expect(typeof file.score).toBe("number");
    }
    const scores = ranked.map((file) => file.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    const explained = await localize({
      dir,
      query: "parse_body returns the wrong encoding",
      top: 1,
      explain: true,
    });
    expect(explained[0]?.reasons?.some((reason) => reason.includes("parse_body"))).toBe(true);
  });

  it("caches the index per commit and gives the same answer from the cache", async () => {
    const cacheDir = await mkdtemp(path.join(tmpdir(), "patchsmith-rank-cache-"));
    try {
      const query = "guess_encoding ignores the charset";
      const cold = await localize({ dir, query, cacheDir });
      const warm = await localize({ dir, query, cacheDir });
      expect(warm).toEqual(cold);
      expect(cold[0]?.path).toBe("pkg/utils.py");
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });
});

describe("BM25 baseline", () => {
  it("prefers the document with more of the rarer query terms", () => {
    const index = new Bm25Index();
    index.add(tokenize("code: the header parser reads every header line"));
    index.add(tokenize("code: the body reader"));
    index.add(tokenize("code: the template compiler"));
    const scores = index.score(tokenize("header parser"));
    expect(scores[0]).toBeGreaterThan(0);
    expect(scores[1]).toBe(0);
    expect(index.idf("header")).toBeGreaterThan(index.idf("code"));
  });

  it("splits code names so camelCase, snake_case and prose meet", () => {
    expect(tokenize("parseHeaderLine")).toEqual(
      expect.arrayContaining(["parse", "header", "line", "parse_header_line"]),
    );
    expect(tokenize("parse_header_line")).toContain("parse_header_line");
  });
});

describe("tests for a source file", () => {
  it("pairs sources with tests by naming convention", () => {
    const index = new TestIndex([
      "src/foo.ts",
      "src/__tests__/foo.spec.ts",
      "tests/test_bar.py",
      "lib/bar.py",
    ]);
    expect(index.testsFor("src/foo.ts")).toEqual(["src/__tests__/foo.spec.ts"]);
    expect(index.testsFor("lib/bar.py")).toEqual(["tests/test_bar.py"]);
    expect(isTestFile("pkg/testing.py")).toBe(false);
    expect(isTestFile("testing/test_x.py")).toBe(true);
  });
});
