import { Octokit } from "@octokit/rest";
import { describe, expect, it } from "vitest";
import { RemoteError } from "../../../src/core/index.js";
import type { CheckRunAnnotation } from "../../../src/core/index.js";
import { createOctokitGitHub } from "../../../src/github/index.js";
import { useGitHubNock } from "../../fakes/github-nock.js";

const gh = useGitHubNock();
const TOKEN = "ghs_installationSecretToken1234567890";
const repo = { owner: "acme", name: "widgets" };

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function github(options: Parameters<typeof createOctokitGitHub>[1] = {}) {
  return createOctokitGitHub(new Octokit({ auth: TOKEN, log: quiet }), {
    botLogin: "patchsmith[bot]",
    ...options,
  });
}

const comment = (id: number, login: string, body: string, type = "User") => ({
  id,
  body,
  user: { login, type },
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
});

describe("createOctokitGitHub", () => {
  it("reads an issue with all pages of comments and marks bot comments", async () => {
    gh.api()
      .get("/repos/acme/widgets/issues/7")
      .matchHeader("authorization", `token ${TOKEN}`)
      .reply(200, {
        number: 7,
        title: "Add a thing",
        body: null,
        html_url: "https://github.com/acme/widgets/issues/7",
        user: { login: "alice" },
      });
    gh.api()
      .get("/repos/acme/widgets/issues/7/comments")
      .query({ per_page: "100", page: "1" })
      .reply(200, [comment(1, "alice", "first"), comment(2, "patchsmith[bot]", "status", "Bot")], {
        link: '<https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=2>; rel="next"',
      });
    gh.api()
      .get("/repos/acme/widgets/issues/7/comments")
      .query({ per_page: "100", page: "2" })
      .reply(200, [comment(3, "dependabot[bot]", "bump"), comment(4, "bob", "last")]);

    const issue = await github().getIssue(repo, 7);

    expect(issue).toMatchObject({ number: 7, title: "Add a thing", body: "", author: "alice" });
    expect(issue.comments.map((c) => [c.id, c.author, c.isBot])).toEqual([
      [1, "alice", false],
      [2, "patchsmith[bot]", true],
      [3, "dependabot[bot]", true],
      [4, "bob", false],
    ]);
  });

  it("reads the default branch", async () => {
    gh.api().get("/repos/acme/widgets").reply(200, { default_branch: "trunk" });
    expect(await github().getDefaultBranch(repo)).toBe("trunk");
  });

  it("reads a permission from role_name, falls back to permission, and maps 404 to none", async () => {
    gh.api()
      .get("/repos/acme/widgets/collaborators/mia/permission")
      .reply(200, { permission: "write", role_name: "maintain" });
    gh.api()
      .get("/repos/acme/widgets/collaborators/rob/permission")
      .reply(200, { permission: "read" });
    gh.api()
      .get("/repos/acme/widgets/collaborators/eve/permission")
      .reply(404, { message: "Not Found" });
    const port = github();
    expect(await port.getPermission(repo, "mia")).toBe("maintain");
    expect(await port.getPermission(repo, "rob")).toBe("read");
    expect(await port.getPermission(repo, "eve")).toBe("none");
  });

  it("creates and updates comments", async () => {
    gh.api()
      .post("/repos/acme/widgets/issues/7/comments", { body: "hello" })
      .reply(201, { id: 99, html_url: "https://github.com/acme/widgets/issues/7#issuecomment-99" });
    gh.api()
      .patch("/repos/acme/widgets/issues/comments/99", { body: "edited" })
      .reply(200, { id: 99 });
    const port = github();
    expect(await port.createComment(repo, 7, "hello")).toEqual({
      id: 99,
      url: "https://github.com/acme/widgets/issues/7#issuecomment-99",
    });
    await port.updateComment(repo, 99, "edited");
  });

  it("cuts a comment GitHub would reject as too long, keeping the marker", async () => {
    const posted: string[] = [];
    gh.api()
      .post(
        "/repos/acme/widgets/issues/7/comments",
        (b: { body: string }) => posted.push(b.body) > 0,
      )
      .reply(201, { id: 100 });
    await github().createComment(
      repo,
      7,
      `<!-- patchsmith:status -->\n${"log line\n".repeat(20_000)}`,
    );
    expect(posted[0]!.length).toBe(65_536);
    expect(posted[0]!.startsWith("<!-- patchsmith:status -->")).toBe(true);
  });

  it("finds the newest comment of our bot carrying the marker, ignoring look-alikes by others", async () => {
    const marker = "<!-- patchsmith:status";
    gh.api()
      .get("/repos/acme/widgets/issues/7/comments")
      .query(true)
      .reply(200, [
        comment(1, "patchsmith[bot]", `${marker} {} --> old run`, "Bot"),
        comment(2, "mallory", `${marker} --> forged`),
        comment(3, "other-app[bot]", `${marker} --> other app`, "Bot"),
        comment(4, "patchsmith[bot]", `${marker} {} --> this run`, "Bot"),
        comment(5, "patchsmith[bot]", "a plain reply", "Bot"),
      ]);
    expect(await github().findComment(repo, 7, marker)).toEqual({
      id: 4,
      body: `${marker} {} --> this run`,
    });
  });

  it("returns undefined when no comment of ours carries the marker", async () => {
    gh.api()
      .get("/repos/acme/widgets/issues/7/comments")
      .query(true)
      .reply(200, [comment(2, "mallory", "<!-- patchsmith:status -->")]);
    expect(await github().findComment(repo, 7, "<!-- patchsmith:status")).toBeUndefined();
  });

  it("adds reactions to an issue comment and to an issue", async () => {
    gh.api()
      .post("/repos/acme/widgets/issues/comments/55/reactions", { content: "eyes" })
      .reply(201, {});
    gh.api().post("/repos/acme/widgets/issues/7/reactions", { content: "rocket" }).reply(201, {});
    const port = github();
    await port.addReaction(repo, { commentId: 55 }, "eyes");
    await port.addReaction(repo, { issueNumber: 7 }, "rocket");
  });

  it("finds, creates and updates pull requests", async () => {
    const pull = {
      number: 12,
      html_url: "https://github.com/acme/widgets/pull/12",
      head: { ref: "patchsmith/issue-7-x" },
      base: { ref: "main" },
      draft: false,
      body: "Closes #7",
    };
    gh.api()
      .get("/repos/acme/widgets/pulls")
      .query({ head: "acme:patchsmith/issue-7-x", state: "open" })
      .reply(200, [pull]);
    gh.api()
      .get("/repos/acme/widgets/pulls")
      .query({ head: "acme:nothing", state: "open" })
      .reply(200, []);
    gh.api()
      .post("/repos/acme/widgets/pulls", {
        head: "patchsmith/issue-7-x",
        base: "main",
        title: "Add a thing",
        body: "Closes #7",
        draft: true,
      })
      .reply(201, { ...pull, draft: true });
    gh.api()
      .patch("/repos/acme/widgets/pulls/12", { body: "new body" })
      .reply(200, { ...pull, body: "new body" });
    const port = github();
    expect(await port.findPullRequest(repo, "patchsmith/issue-7-x")).toEqual({
      number: 12,
      url: pull.html_url,
      head: "patchsmith/issue-7-x",
      base: "main",
      draft: false,
      body: "Closes #7",
    });
    expect(await port.findPullRequest(repo, "nothing")).toBeUndefined();
    const created = await port.createPullRequest(repo, {
      head: "patchsmith/issue-7-x",
      base: "main",
      title: "Add a thing",
      body: "Closes #7",
      draft: true,
    });
    expect(created.draft).toBe(true);
    expect((await port.updatePullRequest(repo, 12, { body: "new body" })).body).toBe("new body");
  });

  it("creates a check run with annotations in batches of 50", async () => {
    const annotations: CheckRunAnnotation[] = Array.from({ length: 120 }, (_, i) => ({
      path: "src/a.ts",
      startLine: i + 1,
      endLine: i + 1,
      level: "failure",
      message: `problem ${i}`,
    }));
    const batchSizes: number[] = [];
    const record = (body: { output: { annotations: { start_line: number }[]; title: string } }) => {
      batchSizes.push(body.output.annotations.length);
      return body.output.title === "2 checks failed";
    };
    gh.api()
      .post("/repos/acme/widgets/check-runs", (body) => {
        expect(body).toMatchObject({
          name: "patchsmith gate",
          head_sha: "abc123",
          status: "completed",
          conclusion: "failure",
        });
        expect(body.output.annotations[0]).toEqual({
          path: "src/a.ts",
          start_line: 1,
          end_line: 1,
          annotation_level: "failure",
          message: "problem 0",
        });
        return record(body);
      })
      .reply(201, { id: 777 });
    gh.api().patch("/repos/acme/widgets/check-runs/777", record).times(2).reply(200, { id: 777 });

    await github().createCheckRun(repo, {
      name: "patchsmith gate",
      headSha: "abc123",
      conclusion: "failure",
      title: "2 checks failed",
      summary: "see below",
      annotations,
    });
    expect(batchSizes).toEqual([50, 50, 20]);
  });

  it("lists review threads over GraphQL across pages and resolves one", async () => {
    const thread = (id: string, commentId: number) => ({
      id,
      isResolved: false,
      path: "src/a.ts",
      line: 3,
      comments: {
        nodes: [
          {
            databaseId: commentId,
            author: { login: "alice" },
            body: "rename this",
            path: "src/a.ts",
            line: 3,
            createdAt: "2026-01-01T00:00:00Z",
          },
        ],
      },
    });
    const page = (nodes: unknown[], hasNextPage: boolean, endCursor: string | null) => ({
      data: {
        repository: {
          pullRequest: { reviewThreads: { pageInfo: { hasNextPage, endCursor }, nodes } },
        },
      },
    });
    gh.api()
      .post(
        "/graphql",
        (body) =>
          body.variables.number === 12 &&
          body.variables.after === null &&
          /reviewThreads/.test(body.query),
      )
      .reply(200, page([thread("T1", 101)], true, "CUR1"));
    gh.api()
      .post("/graphql", (body) => body.variables.after === "CUR1")
      .reply(
        200,
        page(
          [
            {
              ...thread("T2", 102),
              line: null,
              comments: {
                nodes: [{ ...thread("x", 102).comments.nodes[0], author: null, line: null }],
              },
            },
          ],
          false,
          null,
        ),
      );
    gh.api()
      .post(
        "/graphql",
        (body) => body.variables.threadId === "T1" && /resolveReviewThread/.test(body.query),
      )
      .reply(200, { data: { resolveReviewThread: { thread: { id: "T1", isResolved: true } } } });

    const port = github();
    const threads = await port.listReviewThreads(repo, 12);
    expect(threads).toEqual([
      {
        id: "T1",
        isResolved: false,
        path: "src/a.ts",
        line: 3,
        comments: [
          {
            id: 101,
            author: "alice",
            body: "rename this",
            path: "src/a.ts",
            line: 3,
            createdAt: "2026-01-01T00:00:00Z",
          },
        ],
      },
      {
        id: "T2",
        isResolved: false,
        path: "src/a.ts",
        comments: [
          {
            id: 102,
            author: "ghost",
            body: "rename this",
            path: "src/a.ts",
            createdAt: "2026-01-01T00:00:00Z",
          },
        ],
      },
    ]);
    await port.resolveReviewThread(repo, "T1");
  });

  it("replies in a review thread", async () => {
    gh.api()
      .post("/repos/acme/widgets/pulls/12/comments/101/replies", { body: "Done in abc123." })
      .reply(201, { id: 5 });
    await github().replyToReviewComment(repo, 12, 101, "Done in abc123.");
  });

  it("asks for a token scoped to the one repository, with the app's JWT", async () => {
    const appOctokit = new Octokit({
      auth: "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIxIn0.c2lnbmF0dXJl",
      log: quiet,
    });
    gh.api()
      .post("/app/installations/4242/access_tokens", {
        repositories: ["widgets"],
        permissions: { contents: "write" },
      })
      .matchHeader("authorization", /^bearer eyJ/i)
      .reply(201, { token: "ghs_repoScopedToken", expires_at: "2026-01-01T01:00:00Z" });
    const port = github({ appOctokit, installationId: 4242 });
    expect(await port.getRepositoryToken(repo)).toBe("ghs_repoScopedToken");
  });

  it("refuses to make a repository token without app credentials, saying what is missing", async () => {
    await expect(github().getRepositoryToken(repo)).rejects.toMatchObject({
      name: "RemoteError",
      userMessage: expect.stringContaining("PRIVATE_KEY"),
    });
  });

  it("maps errors to RemoteError: 5xx, 429 and secondary rate limits are retryable, 404 and 422 are not", async () => {
    gh.api().post("/repos/acme/widgets/issues/7/comments").reply(502, { message: "Bad gateway" });
    gh.api().post("/repos/acme/widgets/issues/7/comments").reply(429, { message: "slow down" });
    gh.api()
      .post("/repos/acme/widgets/issues/7/comments")
      .reply(403, { message: "You have exceeded a secondary rate limit" }, { "retry-after": "60" });
    gh.api()
      .post("/repos/acme/widgets/issues/7/comments")
      .reply(403, { message: "Resource not accessible by integration" });
    gh.api()
      .post("/repos/acme/widgets/issues/7/comments")
      .reply(422, { message: "Validation Failed" });
    const port = github();
    const outcomes = [];
    for (let i = 0; i < 5; i++) {
      const error = await port.createComment(repo, 7, "x").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteError);
      const remote = error as RemoteError;
      outcomes.push([remote.isRetryable, /posting a comment/.test(remote.userMessage)]);
    }
    expect(outcomes).toEqual([
      [true, true],
      [true, true],
      [true, true],
      [false, true],
      [false, true],
    ]);
  });

  it("never carries the token in an error, even when GitHub echoes it", async () => {
    gh.api()
      .get("/repos/acme/widgets")
      .reply(500, { message: `internal error for authorization: token ${TOKEN} (${TOKEN})` });
    const error = (await github()
      .getDefaultBranch(repo)
      .catch((e: unknown) => e)) as RemoteError;
    expect(error).toBeInstanceOf(RemoteError);
    expect(error.isRetryable).toBe(true);
    expect(error.message).toMatch(
      /GitHub reading the repository failed with 500 \(GET https:\/\/api.github.com\/repos\/acme\/widgets\): internal error/,
    );
    const everything = [
      error.message,
      error.userMessage,
      error.stack,
      JSON.stringify(error),
      JSON.stringify(error, Object.getOwnPropertyNames(error)),
      String(error.cause),
    ].join("\n");
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain("installationSecret");
  });

  it("maps a failure without a response to a retryable error", async () => {
    gh.api().get("/repos/acme/widgets").replyWithError("socket hang up");
    const error = (await github()
      .getDefaultBranch(repo)
      .catch((e: unknown) => e)) as RemoteError;
    expect(error).toBeInstanceOf(RemoteError);
    expect(error.isRetryable).toBe(true);
  });
});
