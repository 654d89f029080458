#!/usr/bin/env node
/**
 * Records demo/cassette.json, the model's side of `patchsmith demo`.
 *
 * There is no live model behind this: the answers below are written by hand for the sample
 * repository (a plan, a look at the file, the fix, a regression test, a summary). They go
 * through the real pipeline of `patchsmith run` with PATCHSMITH_RECORD set, so the cassette
 * holds the real requests the pipeline makes and these answers. Run it (`npm run demo:record`)
 * whenever prompts or templates change and the demo test says the cassette is stale.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { main } from "../dist/cli.js";
import { DEMO_DIR, prepareSampleRepo } from "../dist/demo.js";
import { parseCassette, serializeCassette } from "../dist/llm/index.js";

const NOTE =
  "Recorded by scripts/record-demo.js from a scripted model (answers written by hand for the sample), not from a live LLM; the requests are the pipeline's real ones.";

const PLAN = {
  summary: "Make slugify() join words with single dashes and drop dashes at both ends.",
  steps: [
    "In src/slugify.js, replace each run of characters other than letters and digits with one dash instead of one dash per character",
    "Then strip a dash left at the start or the end of the slug",
    "Add a test in test/slugify.test.js for a title with punctuation and spaces at both ends",
  ],
  files: ["src/slugify.js", "test/slugify.test.js"],
  testStrategy:
    "`npm test` (node --test): the failing test `joins words with one dash` passes, and the new test covers the ends.",
  risks: ["Titles made only of punctuation now give an empty slug."],
};

const TEST_FILE_LINES = 11;

/** The answers, in the order the pipeline asks; each checks it is asked by the stage it expects. */
const SCRIPT = [
  [
    "plan",
    { content: [{ type: "tool_use", id: "toolu_demo_01", name: "submit_plan", input: PLAN }] },
  ],
  [
    "implement",
    {
      content: [
        { type: "text", text: "Let me read the function first." },
        {
          type: "tool_use",
          id: "toolu_demo_02",
          name: "str_replace_based_edit_tool",
          input: { command: "view", path: "src/slugify.js" },
        },
      ],
    },
  ],
  [
    "implement",
    {
      content: [
        {
          type: "tool_use",
          id: "toolu_demo_03",
          name: "str_replace_based_edit_tool",
          input: {
            command: "str_replace",
            path: "src/slugify.js",
            old_str: '  return title.toLowerCase().replace(/[^a-z0-9]/g, "-");',
            new_str:
              '  return title\n    .toLowerCase()\n    .replace(/[^a-z0-9]+/g, "-")\n    .replace(/^-|-$/g, "");',
          },
        },
      ],
    },
  ],
  [
    "implement",
    {
      content: [
        {
          type: "tool_use",
          id: "toolu_demo_04",
          name: "str_replace_based_edit_tool",
          input: {
            command: "insert",
            path: "test/slugify.test.js",
            insert_line: TEST_FILE_LINES,
            insert_text:
              '\ntest("drops dashes at both ends", () => {\n  assert.equal(slugify("  -- Ready, set, go! --  "), "ready-set-go");\n});',
          },
        },
      ],
    },
  ],
  [
    "implement",
    {
      content: [
        {
          type: "text",
          text: "slugify() now turns each run of other characters into one dash and trims dashes at both ends; a new test covers titles with punctuation at the ends.",
        },
      ],
    },
  ],
];

function scriptedDemoModel() {
  let next = 0;
  return {
    name: "scripted-demo",
    async generate(request) {
      const step = SCRIPT[next];
      if (!step)
        throw new Error(
          `record-demo: the pipeline asked for answer ${next + 1}, the script has ${SCRIPT.length}`,
        );
      const [stage, answer] = step;
      if (request.stage !== stage)
        throw new Error(
          `record-demo: answer ${next + 1} is for stage ${stage}, the pipeline asked from ${request.stage}`,
        );
      next += 1;
      const toolUse = answer.content.some((b) => b.type === "tool_use");
      return {
        content: answer.content,
        stopReason: toolUse ? "tool_use" : "end_turn",
        // No live model: no tokens were spent.
        usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
        model: "scripted-demo",
        costUsd: 0,
      };
    },
    get used() {
      return next;
    },
  };
}

const root = await mkdtemp(path.join(os.tmpdir(), "patchsmith-record-"));
try {
  const repo = await prepareSampleRepo(root, process.env);
  const recordDir = path.join(root, "cassettes");
  const model = scriptedDemoModel();
  let stderr = "";
  const code = await main(
    ["run", "--repo", repo, "--issue-file", path.join(DEMO_DIR, "issue.md")],
    {
      env: {
        ...process.env,
        PATCHSMITH_RECORD: recordDir,
        PATCHSMITH_WORK_DIR: path.join(root, "work"),
        LOG_LEVEL: "warn",
      },
      model,
      io: { stdout: () => {}, stderr: (t) => void (stderr += t), isTTY: false },
    },
  );
  if (code !== 0 || model.used !== SCRIPT.length) {
    process.stderr.write(stderr);
    throw new Error(
      `record-demo: the recorded run ended with ${code} after ${model.used} of ${SCRIPT.length} answers`,
    );
  }
  const [file, ...more] = await readdir(recordDir);
  if (!file || more.length > 0)
    throw new Error(`record-demo: expected one cassette, found ${[file, ...more].join(", ")}`);
  const cassette = parseCassette(await readFile(path.join(recordDir, file), "utf8"), file);
  const target = path.join(DEMO_DIR, "cassette.json");
  await writeFile(target, serializeCassette({ ...cassette, note: NOTE }));
  process.stdout.write(
    `record-demo: wrote ${path.relative(process.cwd(), target)} (${cassette.exchanges.length} exchanges)\n`,
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
