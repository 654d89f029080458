/**
 * The periodic reconciler asks GitHub for the app's deliveries and redelivers the failed
 * ones of the window since its previous pass (with a minute of overlap), not older ones.
 */
import { Octokit } from "@octokit/rest";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/core/index.js";
import { createReconciler, type OctokitLike } from "../../../src/github/index.js";
import { useGitHubNock } from "../../fakes/github-nock.js";

const gh = useGitHubNock();
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const START = Date.parse("2026-03-01T12:00:00Z");
const at = (minutes: number) => new Date(START + minutes * 60_000).toISOString();
const failed = (id: number, minutes: number) => ({
  id,
  guid: `g-${id}`,
  delivered_at: at(minutes),
  status_code: 503,
  event: "issues",
  action: "labeled",
});

describe("createReconciler", () => {
  it("redelivers the failures of each window once, and none from before the first window", async () => {
    let clock = START;
    const octokit = new Octokit({ auth: "jwt", log: quiet, retry: { enabled: false } });
    const reconciler = createReconciler({
      appOctokit: async () => octokit as unknown as OctokitLike,
      everyMs: 10 * 60_000,
      logger: silentLogger,
      now: () => clock,
    });

    // Created at START, first pass at START+10m: the window is START-11m (everyMs and the overlap) .. now.
    clock = START + 10 * 60_000;
    gh.api()
      .get("/app/hook/deliveries")
      .query({ per_page: 100 })
      .reply(200, [failed(3, 9), failed(2, 1), failed(1, -15)]);
    gh.api().post("/app/hook/deliveries/3/attempts").reply(202, {});
    gh.api().post("/app/hook/deliveries/2/attempts").reply(202, {});
    const first = await reconciler.runOnce();
    expect(first.redelivered.map((d) => d.guid)).toEqual(["g-3", "g-2"]);

    // Second pass at START+20m: the window starts a minute before the first pass began.
    clock = START + 20 * 60_000;
    gh.api()
      .get("/app/hook/deliveries")
      .query({ per_page: 100 })
      .reply(200, [
        failed(5, 15),
        { ...failed(4, 9.5), status_code: 200 },
        failed(3, 9),
        failed(2, 1),
      ]);
    gh.api().post("/app/hook/deliveries/5/attempts").reply(202, {});
    gh.api().post("/app/hook/deliveries/3/attempts").reply(202, {});
    const second = await reconciler.runOnce();
    // g-3 failed inside the overlap and again: redelivering it twice is harmless (the inbox
    // takes it as a duplicate); g-2 is outside the window now.
    expect(second.redelivered.map((d) => d.guid)).toEqual(["g-5", "g-3"]);
  });

  it("a pass that fails keeps its window for the next one", async () => {
    let clock = START;
    const octokit = new Octokit({ auth: "jwt", log: quiet, retry: { enabled: false } });
    const reconciler = createReconciler({
      appOctokit: async () => octokit as unknown as OctokitLike,
      everyMs: 10 * 60_000,
      logger: silentLogger,
      now: () => clock,
    });
    clock = START + 10 * 60_000;
    gh.api().get("/app/hook/deliveries").query({ per_page: 100 }).reply(500, {});
    await expect(reconciler.runOnce()).rejects.toThrow(/500/);
    clock = START + 20 * 60_000;
    gh.api()
      .get("/app/hook/deliveries")
      .query({ per_page: 100 })
      .reply(200, [failed(7, 12), failed(6, 2)]);
    gh.api().post("/app/hook/deliveries/7/attempts").reply(202, {});
    gh.api().post("/app/hook/deliveries/6/attempts").reply(202, {});
    const result = await reconciler.runOnce();
    expect(result.redelivered.map((d) => d.guid)).toEqual(["g-7", "g-6"]);
  });
});
