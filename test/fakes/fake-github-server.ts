/**
 * A small stateful GitHub REST API over real HTTP on loopback, for tests where more than one
 * process talks to GitHub (a receiver in the test, a worker in a child process that gets
 * killed). It keeps issues' comments and pull requests, so what exists after a crash is
 * exactly what the API was asked to create. Any request it does not know is recorded and
 * answered 404; tests assert there were none.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  user: { login: string; type: string };
  created_at: string;
}

export interface FakePull {
  number: number;
  head: { ref: string };
  base: { ref: string };
  title: string;
  body: string;
  draft: boolean;
  html_url: string;
}

export interface FakeGitHub {
  url: string;
  comments: FakeComment[];
  pulls: FakePull[];
  /** Every request as "METHOD /path", in order. */
  requests: string[];
  unexpected: string[];
  /** Called after each request is answered (tests kill a worker at a chosen moment). */
  onRequest?: (line: string) => void;
  close(): Promise<void>;
}

export interface FakeGitHubOptions {
  owner: string;
  name: string;
  issue: { number: number; title: string; body: string; author: string };
  botLogin: string;
  /** The permission every user has on the repository. */
  permission?: string;
  /**
   * "METHOD /path": the first such request is never answered (a handler stays in flight, so
   * a test can stop its process or thread there); later ones are answered as usual.
   */
  holdFirst?: string;
}

async function bodyOf(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = "";
  for await (const chunk of req) text += String(chunk);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  const repoPath = `/repos/${options.owner}/${options.name}`;
  let nextId = 1000;
  const state: FakeGitHub = {
    url: "",
    comments: [],
    pulls: [],
    requests: [],
    unexpected: [],
    close: async () => {},
  };
  const now = () => new Date().toISOString();
  let held = false;

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const line = `${req.method} ${url.pathname}`;
      state.requests.push(line);
      const body = await bodyOf(req);
      if (line === options.holdFirst && !held) {
        held = true;
        return; // closeAllConnections ends it at close()
      }
      const send = (status: number, data: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(data));
        state.onRequest?.(line);
      };
      const p = url.pathname;
      const m = req.method;
      let match: RegExpMatchArray | null;
      if (m === "POST" && /^\/app\/installations\/\d+\/access_tokens$/.test(p)) {
        return send(201, {
          token: "ghs_fakeinstallationtoken",
          expires_at: new Date(Date.now() + 3600_000).toISOString(),
          permissions: { contents: "write", issues: "write", pull_requests: "write" },
          repository_selection: "all",
        });
      }
      if (m === "GET" && p === repoPath) return send(200, { default_branch: "main" });
      if (m === "GET" && (match = p.match(/\/collaborators\/([^/]+)\/permission$/))) {
        const permission = options.permission ?? "write";
        return send(200, { permission, role_name: permission, user: { login: match[1] } });
      }
      if (m === "GET" && p === `${repoPath}/issues/${options.issue.number}`) {
        return send(200, {
          number: options.issue.number,
          title: options.issue.title,
          body: options.issue.body,
          user: { login: options.issue.author },
          html_url: `https://github.com/${options.owner}/${options.name}/issues/1`,
        });
      }
      if ((match = p.match(new RegExp(`^${repoPath}/issues/(\\d+)/comments$`)))) {
        const issue = Number(match[1]);
        if (m === "GET")
          return send(
            200,
            state.comments.filter((c) => c.issue === issue),
          );
        if (m === "POST") {
          const comment: FakeComment = {
            id: nextId++,
            issue,
            body: String(body.body),
            user: { login: options.botLogin, type: "Bot" },
            created_at: now(),
          };
          state.comments.push(comment);
          return send(201, { ...comment, html_url: `https://github.com/x#${comment.id}` });
        }
      }
      if (m === "PATCH" && (match = p.match(new RegExp(`^${repoPath}/issues/comments/(\\d+)$`)))) {
        const comment = state.comments.find((c) => c.id === Number(match![1]));
        if (!comment) return send(404, { message: "Not Found" });
        comment.body = String(body.body);
        return send(200, comment);
      }
      if (m === "POST" && /\/reactions$/.test(p)) return send(201, { id: nextId++ });
      if (p === `${repoPath}/pulls`) {
        if (m === "GET") {
          const head = url.searchParams.get("head")?.split(":")[1];
          return send(
            200,
            state.pulls.filter((pr) => head === undefined || pr.head.ref === head),
          );
        }
        if (m === "POST") {
          const number = 100 + state.pulls.length + 1;
          const pull: FakePull = {
            number,
            head: { ref: String(body.head) },
            base: { ref: String(body.base) },
            title: String(body.title),
            body: String(body.body),
            draft: Boolean(body.draft),
            html_url: `https://github.com/${options.owner}/${options.name}/pull/${number}`,
          };
          state.pulls.push(pull);
          return send(201, pull);
        }
      }
      if (m === "PATCH" && (match = p.match(new RegExp(`^${repoPath}/pulls/(\\d+)$`)))) {
        const pull = state.pulls.find((pr) => pr.number === Number(match![1]));
        if (!pull) return send(404, { message: "Not Found" });
        Object.assign(
          pull,
          body.title ? { title: body.title } : {},
          body.body ? { body: body.body } : {},
        );
        return send(200, pull);
      }
      // No configuration files anywhere (the organization's .github repository included).
      if (m === "GET" && /^\/repos\/[^/]+\/[^/]+\/contents\//.test(p)) {
        return send(404, { message: "Not Found" });
      }
      if (m === "POST" && p === `${repoPath}/check-runs`) return send(201, { id: nextId++ });
      state.unexpected.push(line);
      return send(404, { message: `the fake GitHub does not know ${line}` });
    })().catch((error: unknown) => {
      state.unexpected.push(`error: ${String(error)}`);
      res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
