import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  createRedactor,
  ModelError,
  type Job,
  type ModelRequest,
} from "../../../src/core/index.js";
import {
  CASSETTE_FORMAT,
  createRecordingModel,
  createReplayModel,
  loadReplayModel,
  parseCassette,
  type Cassette,
} from "../../../src/llm/index.js";
import { tempDir } from "../../fakes/git-fixtures.js";
import { ScriptedModel, text, toolUse } from "../../fakes/scripted-model.js";

const JOB: Pick<Job, "id" | "kind" | "repo" | "number" | "mode"> = {
  id: "local-abc/1",
  kind: "issue",
  repo: { owner: "local", name: "calc" },
  number: 1,
  mode: "implement",
};

const ask = (stage: string, words: string): ModelRequest => ({
  stage,
  system: "You are patchsmith.",
  messages: [{ role: "user", content: [{ type: "text", text: words }] }],
  maxTokens: 1000,
});

async function recordTwo(dir: string) {
  const inner = new ScriptedModel([
    toolUse("submit_plan", { summary: "Add." }),
    text("Done; the key was sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789ABCD."),
  ]);
  const redactor = createRedactor(["worker-secret-value-42"]);
  const recorder = createRecordingModel(inner, { dir, job: JOB, redactor });
  const first = await recorder.generate(ask("plan", "Plan it (key worker-secret-value-42)."));
  const second = await recorder.generate(ask("implement", "Make the change."));
  inner.assertDone();
  return { first, second };
}

describe("the recording model", () => {
  it("writes one cassette per job, with stable keys, secrets redacted in requests and responses", async () => {
    const dir = await tempDir();
    const { first, second } = await recordTwo(dir);
    expect(await readdir(dir)).toEqual(["local-abc_1.json"]);
    const textOnDisk = await readFile(path.join(dir, "local-abc_1.json"), "utf8");
    expect(textOnDisk.startsWith(`{\n  "format": "${CASSETTE_FORMAT}",`)).toBe(true);
    expect(textOnDisk).not.toContain("worker-secret-value-42");
    expect(textOnDisk).not.toContain("sk-ant-api03");
    expect(textOnDisk).toContain("[redacted]");
    const cassette = parseCassette(textOnDisk, "local-abc_1.json");
    expect(cassette.job).toEqual({
      kind: "issue",
      mode: "implement",
      number: 1,
      repo: "local/calc",
    });
    expect(cassette.exchanges.map((e) => e.request.stage)).toEqual(["plan", "implement"]);
    expect(cassette.exchanges[0]!.response).toEqual(first);
    // Keys sorted inside each exchange: a re-recorded cassette diffs line by line.
    expect(Object.keys(cassette.exchanges[1]!.response)).toEqual([
      "content",
      "costUsd",
      "model",
      "stopReason",
      "usage",
    ]);
    expect(second.content[0]).toMatchObject({ type: "text" });
  });

  it("never overwrites the cassette of an earlier run of the same job", async () => {
    const dir = await tempDir();
    await recordTwo(dir);
    await recordTwo(dir);
    expect((await readdir(dir)).sort()).toEqual(["local-abc_1-2.json", "local-abc_1.json"]);
  });

  it("records nothing for a call that failed", async () => {
    const dir = await tempDir();
    const recorder = createRecordingModel(new ScriptedModel([new Error("overloaded")]), {
      dir,
      job: JOB,
      redactor: createRedactor(),
    });
    await expect(recorder.generate(ask("plan", "x"))).rejects.toThrow("overloaded");
    expect(await readdir(dir)).toEqual([]);
  });
});

describe("the replay model", () => {
  async function recorded() {
    const dir = await tempDir();
    await recordTwo(dir);
    return path.join(dir, "local-abc_1.json");
  }

  it("serves the recorded responses in order for matching requests", async () => {
    const file = await recorded();
    const cassette = parseCassette(await readFile(file, "utf8"), file);
    const replay = await loadReplayModel(file);
    // The live request held the secret; the redactor in front of the model removes it, as recorded.
    expect(await replay.generate(ask("plan", "Plan it (key [redacted])."))).toEqual(
      cassette.exchanges[0]!.response,
    );
    expect(replay.used).toBe(1);
    expect(() => replay.assertAllUsed()).toThrow(ModelError);
    await replay.generate(ask("implement", "Make the change."));
    expect(() => replay.assertAllUsed()).not.toThrow();
  });

  it("fails a request that does not match, saying which exchange, which field, and how to re-record", async () => {
    const replay = await loadReplayModel(await recorded(), { rerecord: "run `npm run x`" });
    const error = await replay.generate(ask("plan", "Plan it differently.")).catch((e) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect(error.isRetryable).toBe(false);
    expect(error.userMessage).toContain("exchange 1 of 2 (stage plan)");
    expect(error.userMessage).toContain("`messages[0].content[0].text` differs");
    expect(error.userMessage).toContain('recorded: "Plan it (key [redacted])."');
    expect(error.userMessage).toContain('this run: "Plan it differently."');
    expect(error.userMessage).toContain("To record it again, run `npm run x`.");
    expect(replay.used).toBe(0);
  });

  it("fails a request from another stage", async () => {
    const replay = await loadReplayModel(await recorded());
    const error = await replay.generate(ask("repair", "Plan it (key [redacted]).")).catch((e) => e);
    expect(error.userMessage).toContain("`stage` differs");
    expect(error.userMessage).toContain('recorded: "plan"');
    expect(error.userMessage).toContain("PATCHSMITH_RECORD=DIR");
  });

  it("fails when the cassette runs out", async () => {
    const cassette: Cassette = { format: CASSETTE_FORMAT, exchanges: [] };
    const replay = createReplayModel(cassette, { file: "empty.json" });
    const error = await replay.generate(ask("plan", "x")).catch((e) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect(error.userMessage).toContain(
      "asked the model for exchange 1 (stage plan), but the cassette empty.json holds only 0",
    );
  });

  it("refuses a file of another format or shape, saying what to do", async () => {
    const userMessageOf = (text: string, file: string) => {
      try {
        parseCassette(text, file);
      } catch (error) {
        return (error as ModelError).userMessage;
      }
      throw new Error("parseCassette accepted it");
    };
    expect(userMessageOf('{"format":"vcr/9","exchanges":[]}', "old.json")).toMatch(
      /has format "vcr\/9"; this patchsmith reads "patchsmith-cassette\/1"/,
    );
    const malformed = JSON.stringify({ format: CASSETTE_FORMAT, exchanges: [{ request: {} }] });
    expect(userMessageOf(malformed, "bad.json")).toMatch(/bad.json is malformed \(exchanges\.0\./);
    expect(userMessageOf("{", "cut.json")).toMatch(/cut.json is not valid JSON/);
    await expect(loadReplayModel("/nonexistent/cassette.json")).rejects.toThrow(/cannot read/);
  });
});
