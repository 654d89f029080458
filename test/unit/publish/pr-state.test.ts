import { describe, expect, it } from "vitest";
import {
  initialPullRequestState,
  parsePullRequestState,
  renderPullRequestState,
  withPullRequestState,
} from "../../../src/publish/index.js";

const plan = {
  summary: "Fix --> the <b>bug</b>",
  steps: ["a -- b"],
  files: ["src/x.ts"],
  testStrategy: "tests",
  risks: [],
};

describe("pull request state marker", () => {
  it("round-trips, and nothing in the plan can close the HTML comment early", () => {
    const state = {
      ...initialPullRequestState({ issue: 7, job: "j", plan, costUsd: 0.25 }),
      rounds: 2,
    };
    const marker = renderPullRequestState(state);
    expect(marker.indexOf("-->")).toBe(marker.length - 3);
    expect(marker).not.toMatch(/<b>/);
    expect(parsePullRequestState(`text\n${marker}\nmore`)).toEqual(state);
  });

  it("replaces the marker and keeps the rest of a body people edited", () => {
    const body = `Edited by a person.\n${renderPullRequestState(initialPullRequestState({ issue: 1, job: "j" }))}`;
    const next = withPullRequestState(body, {
      ...initialPullRequestState({ issue: 1, job: "k" }),
      ciRepairs: 1,
    });
    expect(next).toContain("Edited by a person.");
    expect(next.match(/patchsmith:pr/g)).toHaveLength(1);
    expect(parsePullRequestState(next)?.ciRepairs).toBe(1);
  });

  it("ignores a missing or tampered marker", () => {
    expect(parsePullRequestState("no marker")).toBeUndefined();
    expect(parsePullRequestState('<!-- patchsmith:pr {"issue":"x"} -->')).toBeUndefined();
    expect(parsePullRequestState("<!-- patchsmith:pr {not json} -->")).toBeUndefined();
  });
});

describe("a new run of the issue on an existing pull request", () => {
  it("keeps the rounds, CI repairs and cost so far, so the caps still hold", async () => {
    const { publishPullRequest } = await import("../../../src/publish/index.js");
    const existingBody = `old\n${renderPullRequestState({
      ...initialPullRequestState({ issue: 1, job: "a", costUsd: 1 }),
      rounds: 3,
      ciRepairs: 2,
      capNoted: ["ci"],
    })}`;
    let written = "";
    const github = {
      findPullRequest: async () => ({ number: 5, body: existingBody }),
      updatePullRequest: async (_repo: unknown, _n: number, input: { body: string }) => {
        written = input.body;
        return { number: 5 };
      },
    };
    const checkout = {
      baseSha: "base",
      branch: "patchsmith/issue-1-x",
      commit: async () => "new",
      headSha: async () => "new",
      push: async () => undefined,
    };
    await publishPullRequest({
      github: github as never,
      repo: { owner: "o", name: "r" },
      checkout: checkout as never,
      base: "main",
      title: "t",
      body: `new body\n${renderPullRequestState(initialPullRequestState({ issue: 1, job: "b", costUsd: 0.5 }))}`,
      draft: false,
      commitMessage: "m",
      author: { name: "bot", email: "bot@example.com" },
    });
    expect(written).toContain("new body");
    expect(parsePullRequestState(written)).toMatchObject({
      job: "b",
      rounds: 3,
      ciRepairs: 2,
      capNoted: ["ci"],
      costUsd: 1.5,
    });
  });
});
