/**
 * Record and replay end to end: a `patchsmith run` against the real Anthropic adapter (nock at
 * the HTTP layer) with PATCHSMITH_RECORD writes a cassette; `patchsmith run --replay` on a fresh
 * copy of the repository gives the same diff and report without one HTTP request, and fails
 * clearly when the run asks for something else than what was recorded.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { createRedactor, type ModelRequest, type ModelResponse } from "../../src/core/index.js";
import {
  createAnthropicModel,
  createRecordingModel,
  loadReplayModel,
  parseCassette,
  serializeCassette,
  type Cassette,
} from "../../src/llm/index.js";
import { anthropicReply } from "../fakes/anthropic-nock.js";
import { git, makeRepo, tempDir } from "../fakes/git-fixtures.js";
import { BUGGY_SUM_PROJECT, SUM_FIX, SUM_ISSUE, SUM_PLAN } from "../fakes/js-project.js";
import { editorCall, ScriptedModel, text, toolUse } from "../fakes/scripted-model.js";

const BASE = "https://api.anthropic.com";
const KEY = "sk-ant-api03-recordtest-0123456789abcdefghijklmnopqrstuv";
const GITHUB_TOKEN = "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
const BRANCH = "patchsmith/issue-1-sum-returns-the-difference";
const STEPS = [toolUse("submit_plan", SUM_PLAN), editorCall(SUM_FIX), text("Fixed sum().")];

function issueText(extra = "") {
  // Secrets an issue might carry: the worker's own key, and a token shape.
  return `# ${SUM_ISSUE.title}\n\n${SUM_ISSUE.body}${extra}\n\nCI logs show ${GITHUB_TOKEN} and ${KEY}.\n`;
}

async function run(args: string[], env: Record<string, string | undefined>) {
  let stdout = "";
  let stderr = "";
  const code = await main(["run", ...args], {
    env,
    io: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
  });
  return { code, stdout, stderr };
}

async function baseEnv(extra: Record<string, string> = {}) {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PATCHSMITH_WORK_DIR: await tempDir(),
    LOG_LEVEL: "silent",
    ANTHROPIC_API_KEY: KEY,
    ANTHROPIC_BASE_URL: BASE,
    ...extra,
  };
}

/** What must be the same between the recorded and the replayed run's report. */
function comparableBody(body: string): string {
  return body
    .replace(/<details><summary>Timings[\s\S]*?<\/details>/, "")
    .replace(/\d+\.\d+ s\b/g, "<t>")
    .replace(/local\\u002d[a-z0-9]+/g, "<job>");
}

describe("record and replay through patchsmith run", () => {
  let recorded: { code: number; stdout: string; stderr: string };
  let repo: string;
  let issueFile: string;
  let cassetteFile: string;
  let cassetteText: string;
  let llmRequests: string;

  beforeAll(async () => {
    nock.disableNetConnect();
    repo = await makeRepo(BUGGY_SUM_PROJECT);
    issueFile = path.join(await tempDir(), "issue.md");
    await writeFile(issueFile, issueText());
    const recordDir = await tempDir();
    const llm = anthropicReply(BASE, STEPS);
    recorded = await run(
      ["--repo", repo, "--issue-file", issueFile],
      await baseEnv({ PATCHSMITH_RECORD: recordDir }),
    );
    expect(llm.scope.isDone()).toBe(true);
    llmRequests = JSON.stringify(llm.requests.map((r) => r.body));
    const files = await readdir(recordDir);
    expect(files).toHaveLength(1);
    cassetteFile = path.join(recordDir, files[0]!);
    cassetteText = await readFile(cassetteFile, "utf8");
  });

  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    // Replays make no HTTP request at all: nothing is intercepted, and nothing may pass.
    expect(nock.pendingMocks()).toEqual([]);
  });
  afterAll(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it("records every exchange of the real adapter, with secrets redacted", () => {
    expect(recorded.code).toBe(0);
    const cassette = parseCassette(cassetteText, cassetteFile);
    expect(cassette.exchanges.map((e) => e.request.stage)).toEqual([
      "plan",
      "implement",
      "implement",
    ]);
    expect(cassette.exchanges[0]!.response.model).toBe("claude-sonnet-4-5-20250929");
    expect(cassette.exchanges[0]!.response.usage.inputTokens).toBe(100);
    expect(cassette.exchanges[0]!.response.costUsd).toBeGreaterThan(0);
    expect(cassette.exchanges[2]!.request.messages).toHaveLength(3);
    expect(cassetteText).toContain("returns -1 instead of 3");
    for (const secret of [KEY, GITHUB_TOKEN]) {
      expect(cassetteText).not.toContain(secret);
      expect(llmRequests).not.toContain(secret);
    }
    expect(cassetteText).toContain("[redacted]");
  });

  it("replays to the same diff and report on a fresh repository, without a request", async () => {
    const fresh = await makeRepo(BUGGY_SUM_PROJECT);
    const replayed = await run(
      ["--repo", fresh, "--issue-file", issueFile, "--replay", cassetteFile],
      await baseEnv(),
    );
    expect(replayed.stderr).toContain(`branch ${BRANCH} is in`);
    expect(replayed.code).toBe(0);
    expect(git(fresh, "diff", `main...${BRANCH}`)).toBe(git(repo, "diff", `main...${BRANCH}`));
    expect(comparableBody(replayed.stdout)).toBe(comparableBody(recorded.stdout));
    expect(replayed.stdout).toContain("| 3 | 300 | 60 | 0 | 0 | $0.0");
  });

  it("fails the replay when the run asks something else, saying where and how to re-record", async () => {
    const fresh = await makeRepo(BUGGY_SUM_PROJECT);
    const changedIssue = path.join(await tempDir(), "issue.md");
    await writeFile(changedIssue, issueText(" Seen since v2."));
    const replayed = await run(
      ["--repo", fresh, "--issue-file", changedIssue, "--replay", cassetteFile],
      await baseEnv(),
    );
    expect(replayed.code).toBe(1);
    expect(replayed.stderr).toContain("the run failed during plan");
    expect(replayed.stderr).toContain(
      `exchange 1 of 3 (stage plan) does not match the cassette ${cassetteFile}: \`messages[0].content[0].text\` differs`,
    );
    expect(replayed.stderr).toMatch(/recorded: ….*instead of 3\.\\n\\nCI logs/);
    expect(replayed.stderr).toMatch(/this run: ….*instead of 3\. Seen since v2\./);
    expect(replayed.stderr).toContain("PATCHSMITH_RECORD=DIR");
    expect(git(fresh, "branch", "--list", "patchsmith/*")).toBe("");
  });

  it("fails when the cassette runs out, and when the run leaves exchanges unused", async () => {
    const cassette = parseCassette(cassetteText, cassetteFile);
    const dir = await tempDir();
    const short = path.join(dir, "short.json");
    await writeFile(
      short,
      serializeCassette({ ...cassette, exchanges: cassette.exchanges.slice(0, 2) }),
    );
    const cut = await run(
      ["--repo", await makeRepo(BUGGY_SUM_PROJECT), "--issue-file", issueFile, "--replay", short],
      await baseEnv(),
    );
    expect(cut.code).toBe(1);
    expect(cut.stderr).toContain(
      `failed during implement: The run asked the model for exchange 3 (stage implement), but the cassette ${short} holds only 2.`,
    );

    const long = path.join(dir, "long.json");
    const extra: Cassette = {
      ...cassette,
      exchanges: [...cassette.exchanges, cassette.exchanges[2]!],
    };
    await writeFile(long, serializeCassette(extra));
    const unused = await run(
      ["--repo", await makeRepo(BUGGY_SUM_PROJECT), "--issue-file", issueFile, "--replay", long],
      await baseEnv(),
    );
    expect(unused.stderr).toContain(`used 3 of the 4 exchanges in the cassette ${long}`);
    expect(unused.code).toBe(1);
  });
});

describe("recording jobs side by side", () => {
  it("writes one cassette per job when jobs run at once", async () => {
    const recordDir = await tempDir();
    const runOne = async () => {
      const model = new ScriptedModel(STEPS);
      let stderr = "";
      const code = await main(
        ["run", "--repo", await makeRepo(BUGGY_SUM_PROJECT), "--issue-file", await issueFile()],
        {
          env: await baseEnv({ PATCHSMITH_RECORD: recordDir }),
          io: { stdout: () => {}, stderr: (t) => void (stderr += t) },
          model,
        },
      );
      model.assertDone();
      return { code, stderr };
    };
    const runs = await Promise.all([runOne(), runOne()]);
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    const files = (await readdir(recordDir)).filter((f) => f.endsWith(".json"));
    expect(files).toHaveLength(2);
    expect(files.every((f) => /^local-[a-z0-9]+\.json$/.test(f))).toBe(true);
    for (const file of files) {
      const cassette = parseCassette(await readFile(path.join(recordDir, file), "utf8"), file);
      expect(cassette.model).toBe("scripted");
      expect(cassette.exchanges).toHaveLength(3);
    }
    // Nothing half-written is left behind.
    expect(await readdir(recordDir)).toHaveLength(2);
  });

  async function issueFile() {
    const file = path.join(await tempDir(), "issue.md");
    await writeFile(file, issueText());
    return file;
  }
});

describe("record and replay at the adapter", () => {
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it("serves the very ModelResponses the Anthropic adapter returned", async () => {
    nock.disableNetConnect();
    const llm = anthropicReply(BASE, [toolUse("submit_plan", SUM_PLAN), text("Done.")]);
    const dir = await tempDir();
    const job = {
      id: "j1",
      kind: "issue" as const,
      repo: { owner: "o", name: "r" },
      number: 1,
      mode: "implement" as const,
    };
    const adapter = createAnthropicModel({
      apiKey: KEY,
      model: "claude-sonnet-4-5",
      baseURL: BASE,
    });
    const recorder = createRecordingModel(adapter, { dir, job, redactor: createRedactor([KEY]) });
    const requests: ModelRequest[] = [
      {
        stage: "plan",
        system: "Plan.",
        messages: [
          { role: "user", content: [{ type: "text", text: "Issue at 2026-01-01T00:00:00Z" }] },
        ],
        tools: [
          {
            kind: "function",
            name: "submit_plan",
            description: "d",
            inputSchema: { type: "object" },
          },
        ],
        toolChoice: { type: "tool", name: "submit_plan" },
        maxTokens: 100,
      },
      {
        stage: "implement",
        system: "Edit.",
        messages: [{ role: "user", content: [{ type: "text", text: "Go." }] }],
        maxTokens: 100,
      },
    ];
    const live: ModelResponse[] = [];
    for (const request of requests) live.push(await recorder.generate(request));
    expect(llm.scope.isDone()).toBe(true);

    const replay = await loadReplayModel(path.join(dir, "j1.json"));
    const again: ModelResponse[] = [];
    // A later run's timestamp differs; it is not a difference that matters.
    const later = structuredClone(requests);
    later[0]!.messages[0]!.content[0] = { type: "text", text: "Issue at 2027-02-02T01:02:03Z" };
    for (const request of later) again.push(await replay.generate(request));
    expect(again).toEqual(live);
    replay.assertAllUsed();
  });
});
