import { describe, expect, it } from "vitest";
import {
  readPlanFromComment,
  readRunState,
  renderStatus,
  type StatusView,
} from "../../../src/publish/index.js";

const PLAN = {
  summary: "Make sum() add -- not subtract --> ever.",
  steps: ["Replace the subtraction", "Run the tests"],
  files: ["src/sum.js", "test/sum.test.js"],
  testStrategy: "The existing test covers it.",
  risks: ["None really"],
};

const WAITING: StatusView = {
  jobId: "o/r#1@d1",
  actor: "octocat",
  mode: "tests",
  current: "plan",
  outcome: "waiting",
  plan: PLAN,
  instructions: "keep it short -->",
  baseSha: "0123456789abcdef0123456789abcdef01234567",
};

describe("the status comment's state and plan", () => {
  it("keeps the state in the marker, safe inside an HTML comment", async () => {
    const body = await renderStatus(WAITING);
    const json = body.slice("<!-- patchsmith:status ".length, body.indexOf(" -->"));
    expect(json).not.toContain("--");
    expect(json).toContain("keep it short");
    expect(readRunState(body)).toEqual({
      job: "o/r#1@d1",
      step: "plan",
      outcome: "waiting",
      mode: "tests",
      instructions: "keep it short -->",
      plan: PLAN,
      baseSha: WAITING.baseSha,
    });
    expect(body).toContain("waiting for `/approve`");
  });

  it("reads the plan it rendered back unchanged", async () => {
    expect(readPlanFromComment(await renderStatus(WAITING))).toEqual({ plan: PLAN });
  });

  it("reads a plan a person edited: steps, files, risks", async () => {
    const body = (await renderStatus(WAITING))
      .replace("1. Run the tests", "1. Run the tests\n   and the linter\n1. Update the changelog")
      .replace("`test/sum.test.js`", "`test/sum.test.js`, `CHANGELOG.md`")
      .replace("- None really", "- Callers rely on it\n- Another <!-- hidden --> risk");
    const reading = readPlanFromComment(body);
    expect(reading).toEqual({
      plan: {
        ...PLAN,
        steps: ["Replace the subtraction", "Run the tests and the linter", "Update the changelog"],
        files: ["src/sum.js", "test/sum.test.js", "CHANGELOG.md"],
        risks: ["Callers rely on it", "Another  risk"],
      },
    });
  });

  it("says what is wrong with a plan it cannot read", async () => {
    const body = await renderStatus(WAITING);
    const noSteps = body.replace(/1\. .*\n/g, "");
    expect(readPlanFromComment(noSteps)).toEqual({
      problem: expect.stringContaining("numbered step"),
    });
    expect(readPlanFromComment(body.replace("<!-- /patchsmith:plan -->", ""))).toEqual({
      problem: expect.stringContaining("markers"),
    });
  });

  it("an older marker or a tampered one gives no state", () => {
    expect(readRunState('<!-- patchsmith:status {"job":"j"} -->')).toBeUndefined();
    expect(readRunState("<!-- patchsmith:status {not json} -->")).toBeUndefined();
    expect(
      readRunState(
        '<!-- patchsmith:status {"job":"j","step":"plan","outcome":"waiting","baseSha":"$(x)"} -->',
      ),
    ).toEqual({ job: "j", step: "plan", outcome: "waiting" });
  });
});
