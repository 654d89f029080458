/**
 * The GitHub Action entry: @probot/adapter-github-actions reads the event from
 * GITHUB_EVENT_PATH and authenticates with GITHUB_TOKEN; the receiver accepts the event
 * without an installation, and the entry returns once the job has run.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runAction } from "../../src/action.js";
import { parseEnv } from "../../src/config/index.js";
import type { Job } from "../../src/core/index.js";
import { tempDir } from "../fakes/git-fixtures.js";
import { useGitHubNock, webhookExample } from "../fakes/github-nock.js";

const gh = useGitHubNock();
const REPO = "/repos/Codertocat/Hello-World";
const CONFIG = ".github%2Fpatchsmith.yml";
const saved = { ...process.env };

afterEach(() => {
  for (const key of ["GITHUB_TOKEN", "GITHUB_RUN_ID", "GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH"]) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

describe("GitHub Action entry", () => {
  it("handles an issues.labeled event read from GITHUB_EVENT_PATH", async () => {
    const payload = webhookExample("issues", "labeled");
    delete payload.installation; // Actions events carry none
    payload.label.name = "patchsmith";
    const eventPath = path.join(await tempDir(), "event.json");
    await writeFile(eventPath, JSON.stringify(payload));
    Object.assign(process.env, {
      GITHUB_TOKEN: "ghs_actionstoken000000000000",
      GITHUB_RUN_ID: "777",
      GITHUB_EVENT_NAME: "issues",
      GITHUB_EVENT_PATH: eventPath,
    });

    const api = gh.api();
    const seen: { auth?: string; status?: string } = {};
    api.get(`${REPO}/contents/${CONFIG}`).reply(404, {});
    api.get(`/repos/Codertocat/.github/contents/${CONFIG}`).reply(404, {});
    api.get(`${REPO}/collaborators/Codertocat/permission`).reply(function () {
      seen.auth = String(this.req.headers.authorization);
      return [200, { permission: "admin", role_name: "admin" }];
    });
    api.post(`${REPO}/issues/1/reactions`, { content: "eyes" }).reply(201, {});
    api
      .post(`${REPO}/issues/1/comments`, (body: { body: string }) => {
        seen.status = body.body;
        return true;
      })
      .reply(201, { id: 5 });

    const handled: Job[] = [];
    const ran = await runAction({
      env: parseEnv({ LOG_LEVEL: "silent" }),
      token: "ghs_actionstoken000000000000",
      handleJob: async (job) => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        handled.push(job);
      },
    });
    expect(seen.auth).toBe("token ghs_actionstoken000000000000");
    expect(seen.status).toContain("patchsmith: queued");
    // runAction returned only after the job finished.
    expect(handled).toHaveLength(1);
    expect(ran[0]).toMatchObject({
      kind: "issue",
      number: 1,
      repo: { owner: "Codertocat", name: "Hello-World" },
      trigger: { deliveryId: "777", actor: "Codertocat", kind: "label" },
    });
    expect(ran[0]!.installationId).toBeUndefined();
  });
});
