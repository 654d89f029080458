// One patchsmith process's GitHub client for the shared-throttling test: Probot with the
// Octokit class from the built src/throttle.ts, on Redis when a URL is given.
// Authenticates as installation 4711 against a fake GitHub, prints "ready", waits for a
// line on stdin, then sends `count` comment edits at once and prints "done".
//   TEST_PRIVATE_KEY=... node throttle-child.mjs <dist dir> <GitHub base URL> <redis URL | -> <count>
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { pino } from "pino";
import { Probot } from "probot";

const [, , dist, baseUrl, redisUrl, count] = process.argv;
const { githubThrottle } = await import(pathToFileURL(`${dist}/throttle.js`).href);
const throttle = githubThrottle(redisUrl === "-" ? undefined : redisUrl);
const probot = new Probot({
  appId: 123,
  privateKey: process.env.TEST_PRIVATE_KEY,
  baseUrl,
  log: pino({ level: "silent" }),
  Octokit: throttle.Octokit,
});
const octokit = await probot.auth(4711);
process.stdout.write("ready\n");
await new Promise((resolve) => createInterface({ input: process.stdin }).once("line", resolve));
await Promise.all(
  Array.from({ length: Number(count) }, (_, i) =>
    octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{id}", {
      owner: "o",
      repo: "r",
      id: i + 1,
      body: `edit from ${process.pid}`,
    }),
  ),
);
process.stdout.write("done\n");
await throttle.close();
process.exit(0);
