/**
 * `patchsmith redeliver --since 1h` against nock'd GitHub: signs as the app (a JWT, no
 * installation token), pages through the deliveries until they are older than --since,
 * and redelivers each failed delivery once; one that failed and then succeeded on a
 * redelivery is left alone.
 */
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { TEST_APP_ID, testPrivateKey, useGitHubNock } from "../fakes/github-nock.js";

const gh = useGitHubNock();
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) },
  };
}

const env = { APP_ID: String(TEST_APP_ID), PRIVATE_KEY: testPrivateKey(), LOG_LEVEL: "silent" };

describe("patchsmith redeliver", () => {
  it("redelivers the failed deliveries since --since, once each", async () => {
    const jwt = /^bearer eyJ/i;
    gh.api()
      .get("/app/hook/deliveries")
      .query({ per_page: 100 })
      .matchHeader("authorization", jwt)
      .reply(
        200,
        [
          {
            id: 11,
            guid: "g-ok",
            delivered_at: minutesAgo(5),
            status_code: 200,
            event: "issues",
            action: "labeled",
          },
          {
            id: 10,
            guid: "g-fail",
            delivered_at: minutesAgo(10),
            status_code: 503,
            event: "issues",
            action: "labeled",
          },
          {
            id: 9,
            guid: "g-healed",
            delivered_at: minutesAgo(12),
            status_code: 200,
            event: "issue_comment",
            action: "created",
          },
        ],
        {
          link: '<https://api.github.com/app/hook/deliveries?per_page=100&cursor=abc>; rel="next"',
        },
      );
    gh.api()
      .get("/app/hook/deliveries")
      .query({ per_page: 100, cursor: "abc" })
      .reply(200, [
        {
          id: 8,
          guid: "g-healed",
          delivered_at: minutesAgo(20),
          status_code: 502,
          event: "issue_comment",
          action: "created",
        },
        {
          id: 7,
          guid: "g-timeout",
          delivered_at: minutesAgo(30),
          status_code: 0,
          event: "issue_comment",
          action: "created",
        },
        {
          id: 6,
          guid: "g-old",
          delivered_at: minutesAgo(90),
          status_code: 500,
          event: "issues",
          action: "labeled",
        },
      ]);
    const posted: string[] = [];
    gh.api()
      .post(/\/app\/hook\/deliveries\/\d+\/attempts/)
      .matchHeader("authorization", jwt)
      .times(2)
      .reply(202, (uri) => {
        posted.push(uri);
        return {};
      });

    const { out, err, io: cliIo } = io();
    expect(await main(["redeliver", "--since", "1h"], { env, io: cliIo })).toBe(0);
    expect(err).toEqual([]);
    expect(posted.sort()).toEqual([
      "/app/hook/deliveries/10/attempts",
      "/app/hook/deliveries/7/attempts",
    ]);
    expect(out.join("")).toMatch(/2 failed deliveries redelivered, of 5 since 1h/);
  });

  it("--dry-run lists without redelivering; a bad --since is a usage error", async () => {
    gh.api()
      .get("/app/hook/deliveries")
      .query(true)
      .reply(200, [
        {
          id: 3,
          guid: "g-fail",
          delivered_at: minutesAgo(1),
          status_code: 500,
          event: "issues",
          action: "labeled",
        },
      ]);
    const { out, io: cliIo } = io();
    expect(await main(["redeliver", "--dry-run"], { env, io: cliIo })).toBe(0);
    expect(out.join("")).toMatch(/would redeliver g-fail \(issues\.labeled/);
    const bad = io();
    expect(await main(["redeliver", "--since", "soon"], { env, io: bad.io })).toBe(2);
  });
});
