/**
 * The real Probot webhook middleware on a loopback HTTP server: GitHub's signature is
 * what stands between the internet and a job, so both sides of it are proven here.
 */
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, Probot } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import type { Job, JobQueue } from "../../src/core/index.js";
import { createInProcessQueue } from "../../src/queue/index.js";
import {
  TEST_WEBHOOK_SECRET,
  testProbotOptions,
  useGitHubNock,
  webhookExample,
} from "../fakes/github-nock.js";

const gh = useGitHubNock();
const INSTALLATION = 99;
const REPO = "/repos/Codertocat/Hello-World";

let server: Server;
let url: string;
let jobs: Job[];
let queue: JobQueue;
let releaseJobs: () => void;

beforeEach(async () => {
  jobs = [];
  queue = createInProcessQueue();
  const jobsMayFinish = new Promise<void>((resolve) => (releaseJobs = resolve));
  queue.process(async (job) => {
    jobs.push(job);
    await jobsMayFinish;
  }, 1);
  const probot = new Probot(testProbotOptions());
  const middleware = await createNodeMiddleware(createApp({ queue }), { probot });
  server = createServer((req, res) => {
    void middleware(req, res, () => res.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
});

afterEach(async () => {
  releaseJobs();
  await new Promise((resolve) => server.close(resolve));
  await queue.close();
});

function post(body: string, signature: string, delivery: string) {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "issues",
      "x-github-delivery": delivery,
      "x-hub-signature-256": signature,
    },
    body,
  });
}

const sign = (body: string, secret: string) =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

function labeledBody(): string {
  const payload = webhookExample("issues", "labeled", INSTALLATION);
  payload.label.name = "patchsmith";
  return JSON.stringify(payload);
}

describe("Probot server on loopback", () => {
  it("answers a correctly signed webhook with 2xx while the job it queued is still running", async () => {
    gh.installationToken(INSTALLATION);
    gh.api()
      .get(`${REPO}/collaborators/Codertocat/permission`)
      .reply(200, { permission: "admin", role_name: "admin" });
    gh.api().post(`${REPO}/issues/1/reactions`, { content: "eyes" }).reply(201, {});
    gh.api().post(`${REPO}/issues/1/comments`).reply(201, { id: 1 });

    const body = labeledBody();
    const response = await post(body, sign(body, TEST_WEBHOOK_SECRET), "signed-1");

    expect(response.status).toBeGreaterThanOrEqual(200);
    expect(response.status).toBeLessThan(300);
    expect(jobs.map((j) => j.trigger.deliveryId)).toEqual(["signed-1"]);
    let drained = false;
    const draining = queue.drain().then(() => (drained = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(drained).toBe(false);
    releaseJobs();
    await draining;
  });

  it("answers a wrongly signed webhook with 4xx, and nothing reaches GitHub or the queue", async () => {
    const body = labeledBody();
    const wrongSecret = await post(body, sign(body, "not-the-secret"), "forged-1");
    const tampered = await post(
      body.replace('"patchsmith"', '"patchsmitx"'),
      sign(body, TEST_WEBHOOK_SECRET),
      "forged-2",
    );
    const unsigned = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "issues",
        "x-github-delivery": "forged-3",
      },
      body,
    });

    expect([wrongSecret.status, tampered.status, unsigned.status]).toEqual([400, 400, 400]);
    for (const response of [wrongSecret, tampered, unsigned]) {
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    }
    expect(jobs).toEqual([]);
  });
});
