#!/usr/bin/env node
// Fits the second-stage rerank (src/context/rank/rerank.ts) on a benchmark dump and checks it on
// held-out rows. Make the dump with the rerank off, so the features are the first stage's:
//   npm run build && node bench/localize.js --set swebench --no-baseline \
//     --weights '{"rerank":0}' --dump /tmp/sw.jsonl
//   node bench/fit-rerank.js /tmp/sw.jsonl
// Rows are split in two halves by a hash of their id; each half's model is scored on the other
// half, then one model is fitted on all rows (the coefficients to copy into rerank.ts).
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const rank = await import(path.join(root, "dist/context/rank/index.js"));
const DEPTH = rank.RERANK_DEPTH;
const L2 = 1;
const STEPS = 3000;
const FEATURES = Object.keys(rank.RERANK_COEFFICIENTS);

// Features as combine.ts computes them, read back from the explain output.
function rowsOf(file) {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .map((row) => {
      const titleTerms = new Set(rank.tokenize(row.query.trimStart().split("\n", 1)[0] ?? ""));
      const head = row.ranked.filter((f) => !rank.isTestFile(f.path)).slice(0, 60);
      const best = head[0]?.score || 1;
      const candidates = head.map((f, position) => {
        const reasons = f.reasons ?? [];
        const s = {
          path: 0,
          names: 0,
          body: 0,
          mentions: 0,
          graph: 0,
          history: 0,
          "title-path": 0,
        };
        const line = reasons.find((r) => r.startsWith("signals:")) ?? "";
        for (const [, key, value] of line.matchAll(/([a-z-]+) ([\d.]+)/g)) s[key] = Number(value);
        const lexical = (s.path + s.names + s.body) / 3;
        const raw = lexical + s.mentions + 0.5 * s.graph + s.history + s["title-path"];
        const nameTerms = rank.tokenize((f.path.split("/").at(-1) ?? "").replace(/\.\w+$/, ""));
        const pathTerms = rank.pathTerms(f.path);
        const has = (prefix) => (reasons.some((r) => r.startsWith(prefix)) ? 1 : 0);
        const features = {
          score: f.score / best,
          lexical,
          mentions: s.mentions,
          graph: s.graph,
          history: s.history,
          titlePath: s["title-path"],
          frame: has("stack frame"),
          named: has("names "),
          module: has("module "),
          titleStem: nameTerms.length && nameTerms.every((t) => titleTerms.has(t)) ? 1 : 0,
          titlePathShare: pathTerms.length
            ? pathTerms.filter((t) => titleTerms.has(t)).length / pathTerms.length
            : 0,
          nonSource: raw > 0 && f.score / raw < 0.35 ? 1 : 0,
          reciprocalRank: 1 / (position + 1),
        };
        return {
          path: f.path,
          x: FEATURES.map((k) => features[k]),
          gold: row.gold.includes(f.path),
        };
      });
      return { id: row.id, gold: row.gold, candidates };
    });
}

// Listwise softmax regression: each row's head is one softmax, the gold files its target.
function fit(rows) {
  const w = new Float64Array(FEATURES.length);
  const lists = rows
    .map((r) => r.candidates.slice(0, DEPTH))
    .filter((list) => list.some((c) => c.gold));
  for (let step = 0; step < STEPS; step++) {
    const gradient = new Float64Array(w.length);
    for (const list of lists) {
      const s = list.map((c) => c.x.reduce((a, v, j) => a + v * w[j], 0));
      const max = Math.max(...s);
      const e = s.map((v) => Math.exp(v - max));
      const z = e.reduce((a, b) => a + b, 0);
      const golds = list.filter((c) => c.gold).length;
      list.forEach((c, i) => {
        const delta = e[i] / z - (c.gold ? 1 / golds : 0);
        for (let j = 0; j < w.length; j++) gradient[j] += delta * c.x[j];
      });
    }
    for (let j = 0; j < w.length; j++)
      w[j] -= 0.1 * ((gradient[j] + L2 * w[j]) / (lists.length || 1));
  }
  return w;
}

const rerank = (w) => (row) => {
  const head = row.candidates.slice(0, DEPTH).map((c, i) => ({
    c,
    i,
    s: w ? c.x.reduce((a, v, j) => a + v * w[j], 0) : 0,
  }));
  head.sort((a, b) => b.s - a.s || a.i - b.i);
  return [...head.map((h) => h.c), ...row.candidates.slice(DEPTH)];
};

function accuracy(rows, order) {
  const out = {};
  for (const k of [1, 3, 5, 10]) {
    const n = rows.filter((row) => {
      const top = new Set(
        order(row)
          .slice(0, k)
          .map((c) => c.path),
      );
      return row.gold.every((g) => top.has(g));
    }).length;
    out[`acc@${k}`] = Number((n / (rows.length || 1)).toFixed(3));
  }
  return out;
}

const file = process.argv[2];
if (!file) {
  console.error("usage: node bench/fit-rerank.js DUMP.jsonl (see the comment at the top)");
  process.exit(2);
}
const rows = rowsOf(file);
const hash = (s) => [...s].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7);
const halves = [rows.filter((r) => hash(r.id) % 2 === 0), rows.filter((r) => hash(r.id) % 2 === 1)];
const first = rerank(null);
console.log(
  `rows ${rows.length}, halves ${halves[0].length} / ${halves[1].length}, depth ${DEPTH}`,
);
const heldOut = [];
for (const [i, half] of halves.entries()) {
  const other = halves[1 - i];
  const w = fit(other);
  console.log(
    `half ${"AB"[i]}: first stage`,
    accuracy(half, first),
    "| fitted on the other half",
    accuracy(half, rerank(w)),
  );
  for (const row of half) heldOut.push({ row, w });
}
const held = {};
for (const k of [1, 3, 5, 10]) {
  const n = heldOut.filter(({ row, w }) => {
    const top = new Set(
      rerank(w)(row)
        .slice(0, k)
        .map((c) => c.path),
    );
    return row.gold.every((g) => top.has(g));
  }).length;
  held[`acc@${k}`] = Number((n / rows.length).toFixed(3));
}
console.log("all rows, each scored by the half it was not fitted on:", held);
const w = fit(rows);
console.log(
  "all rows: first stage",
  accuracy(rows, first),
  "| fitted on all (in-sample)",
  accuracy(rows, rerank(w)),
);
console.log(
  "coefficients:",
  JSON.stringify(Object.fromEntries(FEATURES.map((k, j) => [k, Number(w[j].toFixed(2))]))),
);
