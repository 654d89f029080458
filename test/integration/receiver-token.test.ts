/**
 * The composition the worker uses (Probot's installation and app Octokits behind the
 * GitHub port), with logs at debug level captured: no token, JWT or key in any line.
 */
import { Writable } from "node:stream";
import { pino } from "pino";
import { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { RemoteError } from "../../src/core/index.js";
import { createOctokitGitHub } from "../../src/github/index.js";
import { testPrivateKey, testProbotOptions, useGitHubNock } from "../fakes/github-nock.js";

const gh = useGitHubNock();
const INSTALLATION = 31337;
const INSTALLATION_TOKEN = "ghs_installationWideToken00000000001";
const REPO_TOKEN = "ghs_repoScopedToken000000000000000002";
const repo = { owner: "acme", name: "widgets" };

function capturingProbot() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const probot = new Probot({ ...testProbotOptions(), log: pino({ level: "trace" }, stream) });
  return { probot, lines };
}

describe("GitHub port over Probot's Octokits", () => {
  it("gets a repo-scoped token with the app JWT and logs no credential, even on errors", async () => {
    const { probot, lines } = capturingProbot();
    let jwt = "";
    gh.api()
      .post(`/app/installations/${INSTALLATION}/access_tokens`, {
        repositories: ["widgets"],
        permissions: { contents: "write" },
      })
      .reply(function () {
        jwt = String(this.req.headers.authorization).replace(/^bearer /i, "");
        return [
          201,
          { token: REPO_TOKEN, expires_at: new Date(Date.now() + 3600_000).toISOString() },
        ];
      });
    gh.installationToken(INSTALLATION, INSTALLATION_TOKEN);
    gh.api()
      .get("/repos/acme/widgets")
      .matchHeader("authorization", `token ${INSTALLATION_TOKEN}`)
      .reply(500, { message: `backend echoed ${INSTALLATION_TOKEN}` });

    const github = createOctokitGitHub(await probot.auth(INSTALLATION), {
      installationId: INSTALLATION,
      appOctokit: await probot.auth(),
      botLogin: "patchsmith[bot]",
    });

    expect(await github.getRepositoryToken(repo)).toBe(REPO_TOKEN);
    const error = await github.getDefaultBranch(repo).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    probot.log.error({ err: error }, "job failed");

    expect(jwt).toMatch(/^eyJ/);
    const log = lines.join("");
    expect(log).toContain("job failed");
    expect(log).toContain("failed with 500");
    expect((error as Error).message).toContain("backend echoed [REDACTED]");
    for (const secret of [INSTALLATION_TOKEN, REPO_TOKEN, jwt, testPrivateKey().split("\n")[1]!]) {
      expect(log).not.toContain(secret);
      expect(String((error as Error).message)).not.toContain(secret);
    }
  });
});
