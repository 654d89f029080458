/**
 * Who can start a run, through the real Probot receiver: every GitHub request is a strict nock
 * (an unexpected request or an unused mock fails the test), jobs land in a recording queue.
 * Each row is one attack case: an actor, a trigger, and whether a job must exist afterwards.
 */
import { describe, expect, it } from "vitest";
import { defaultRepoConfig } from "../../src/config/index.js";
import { issueBodyDigest } from "../../src/core/index.js";
import { useGitHubNock } from "../fakes/github-nock.js";
import {
  INSTALLATION,
  acceptance,
  commented,
  labeled,
  permission,
  receiver,
  replies,
  type Person,
} from "./receiver-fixtures.js";

const gh = useGitHubNock();

const MAINTAINER: Person = { login: "maintainer" };
const OUTSIDER: Person = { login: "drive-by" };

type Row = { who: string; person: Person; role?: string; allowed: boolean; reply: boolean };
const ROWS: Row[] = [
  { who: "read", person: { login: "reader" }, role: "read", allowed: false, reply: true },
  { who: "triage", person: { login: "triager" }, role: "triage", allowed: false, reply: true },
  { who: "write", person: { login: "writer" }, role: "write", allowed: true, reply: false },
  { who: "maintain", person: { login: "keeper" }, role: "maintain", allowed: true, reply: false },
  { who: "admin", person: { login: "owner" }, role: "admin", allowed: true, reply: false },
  { who: "outside contributor", person: OUTSIDER, role: "none", allowed: false, reply: true },
  { who: "a bot", person: { login: "renovate[bot]", type: "Bot" }, allowed: false, reply: false },
  {
    who: "the app itself",
    person: { login: "patchsmith[bot]", type: "Bot" },
    allowed: false,
    reply: false,
  },
];

describe("permission matrix", () => {
  for (const trigger of ["label", "/generate"] as const) {
    for (const row of ROWS) {
      it(`${trigger} by ${row.who}: ${row.allowed ? "a job" : "no job"}`, async () => {
        const { probot, queue } = await receiver();
        const human = row.person.type !== "Bot";
        if (human) gh.installationToken(INSTALLATION);
        if (row.role) permission(gh, row.person.login, row.role);
        const replied = row.reply ? replies(gh) : [];
        if (row.allowed) acceptance(gh, trigger === "label" ? "issue" : "comment");
        const payload =
          trigger === "label" ? labeled(row.person) : commented(row.person, "/generate");
        await probot.receive({
          id: `d-${trigger}-${row.who}`,
          name: trigger === "label" ? "issues" : "issue_comment",
          payload,
        } as never);
        expect(queue.jobs).toHaveLength(row.allowed ? 1 : 0);
        if (row.allowed) expect(queue.jobs[0]!.trigger.actor).toBe(row.person.login);
        if (row.reply) expect(replied[0]).toMatch(/write/);
      });
    }
  }

  it("a bot listed in trigger.allowedBots may trigger (apps are never collaborators, so no permission call)", async () => {
    const config = defaultRepoConfig();
    config.trigger.allowedBots = ["renovate[bot]"];
    const { probot, queue } = await receiver({ repoConfigFor: async () => config });
    gh.installationToken(INSTALLATION);
    acceptance(gh, "comment");
    await probot.receive({
      id: "d-allowed-bot",
      name: "issue_comment",
      payload: commented({ login: "renovate[bot]", type: "Bot" }, "/generate"),
    } as never);
    expect(queue.jobs).toHaveLength(1);
  });

  it("the app itself is never allowed, even when listed", async () => {
    const config = defaultRepoConfig();
    config.trigger.allowedBots = ["patchsmith[bot]"];
    const { probot, queue } = await receiver({ repoConfigFor: async () => config });
    await probot.receive({
      id: "d-self-listed",
      name: "issue_comment",
      payload: commented({ login: "patchsmith[bot]", type: "Bot" }, "/generate"),
    } as never);
    expect(queue.jobs).toHaveLength(0);
  });
});

describe("an outside contributor's issue", () => {
  it("a maintainer's /generate without the approval label gets a reply saying to add it, and no job", async () => {
    const { probot, queue } = await receiver();
    gh.installationToken(INSTALLATION);
    permission(gh, MAINTAINER.login, "maintain");
    permission(gh, OUTSIDER.login, "none");
    const replied = replies(gh);
    await probot.receive({
      id: "d-unapproved",
      name: "issue_comment",
      payload: commented(MAINTAINER, "/generate", { author: OUTSIDER }),
    } as never);
    expect(queue.jobs).toHaveLength(0);
    expect(replied[0]).toContain("`patchsmith:approved`");
    expect(replied[0]).toContain("@drive-by");
  });

  it("the trigger label by a maintainer without approval: no job either", async () => {
    const { probot, queue } = await receiver();
    gh.installationToken(INSTALLATION);
    permission(gh, MAINTAINER.login, "write");
    permission(gh, OUTSIDER.login, "read");
    replies(gh);
    await probot.receive({
      id: "d-unapproved-label",
      name: "issues",
      payload: labeled(MAINTAINER, { author: OUTSIDER }),
    } as never);
    expect(queue.jobs).toHaveLength(0);
  });

  it("a maintainer adding the approval label approves and starts the run", async () => {
    const { probot, queue } = await receiver();
    gh.installationToken(INSTALLATION);
    permission(gh, MAINTAINER.login, "admin");
    permission(gh, OUTSIDER.login, "none");
    acceptance(gh, "issue");
    await probot.receive({
      id: "d-approve-label",
      name: "issues",
      payload: labeled(MAINTAINER, { author: OUTSIDER, label: "patchsmith:approved" }),
    } as never);
    expect(queue.jobs).toHaveLength(1);
    // The body as approved travels with the job, so an edit after the approval is caught.
    expect(queue.jobs[0]!.trigger.approvedBodySha256).toBe(
      issueBodyDigest(labeled(MAINTAINER).issue.body as string),
    );
  });

  it("/generate on an approved issue runs", async () => {
    const { probot, queue } = await receiver();
    gh.installationToken(INSTALLATION);
    permission(gh, MAINTAINER.login, "write");
    permission(gh, OUTSIDER.login, "none");
    acceptance(gh, "comment");
    await probot.receive({
      id: "d-approved",
      name: "issue_comment",
      payload: commented(MAINTAINER, "/generate", {
        author: OUTSIDER,
        labels: ["patchsmith:approved"],
      }),
    } as never);
    expect(queue.jobs).toHaveLength(1);
  });

  it("the outside contributor adding the approval label themselves: refused (no write access)", async () => {
    const { probot, queue } = await receiver();
    gh.installationToken(INSTALLATION);
    permission(gh, OUTSIDER.login, "none");
    replies(gh);
    await probot.receive({
      id: "d-self-approve",
      name: "issues",
      payload: labeled(OUTSIDER, { label: "patchsmith:approved" }),
    } as never);
    expect(queue.jobs).toHaveLength(0);
  });

  it("the approval label on a maintainer's own issue starts nothing", async () => {
    const { probot, queue } = await receiver();
    gh.installationToken(INSTALLATION);
    permission(gh, MAINTAINER.login, "write");
    await probot.receive({
      id: "d-needless-approval",
      name: "issues",
      payload: labeled(MAINTAINER, { label: "patchsmith:approved" }),
    } as never);
    expect(queue.jobs).toHaveLength(0);
  });
});

describe("trigger quotas", () => {
  it("past quotas.perUserPerHour a trigger gets one reply naming when to retry; later ones get none", async () => {
    const config = defaultRepoConfig();
    config.quotas.perUserPerHour = 2;
    const { probot, queue } = await receiver({ repoConfigFor: async () => config });
    gh.installationToken(INSTALLATION);
    gh.api()
      .get("/repos/Codertocat/Hello-World/collaborators/writer/permission")
      .times(4)
      .reply(200, { permission: "write", role_name: "write" });
    gh.api()
      .post(/\/issues\/comments\/777\/reactions/)
      .times(2)
      .reply(201, {});
    const bodies: string[] = [];
    gh.api()
      .post(
        "/repos/Codertocat/Hello-World/issues/1/comments",
        (b: { body: string }) => bodies.push(b.body) > 0,
      )
      .times(3)
      .reply(201, { id: 5001 });
    for (let i = 0; i < 4; i++) {
      await probot.receive({
        id: `d-quota-${i}`,
        name: "issue_comment",
        payload: commented({ login: "writer" }, "/generate"),
      } as never);
    }
    expect(queue.jobs).toHaveLength(2);
    expect(bodies).toHaveLength(3);
    expect(bodies[2]).toMatch(/limit of 2 runs per hour for @writer/);
    expect(bodies[2]).toMatch(/Try again after \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  });

  it("quotas.perRepoPerHour counts everyone together", async () => {
    const config = defaultRepoConfig();
    config.quotas.perRepoPerHour = 1;
    const { probot, queue } = await receiver({ repoConfigFor: async () => config });
    gh.installationToken(INSTALLATION);
    permission(gh, "writer", "write");
    permission(gh, "admin2", "admin");
    acceptance(gh, "comment");
    const replied = replies(gh);
    await probot.receive({
      id: "d-repo-1",
      name: "issue_comment",
      payload: commented({ login: "writer" }, "/generate"),
    } as never);
    await probot.receive({
      id: "d-repo-2",
      name: "issue_comment",
      payload: commented({ login: "admin2" }, "/generate"),
    } as never);
    expect(queue.jobs).toHaveLength(1);
    expect(replied[0]).toMatch(/1 runs per hour in this repository/);
  });
});
