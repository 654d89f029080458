import { describe, expect, it } from "vitest";
import {
  buildCorpus,
  DEFAULT_WEIGHTS,
  RERANK_COEFFICIENTS,
  RERANK_DEPTH,
  rerankOrder,
  scoreCorpus,
  type CorpusFile,
  type RerankFeatures,
} from "../../../src/context/rank/index.js";

const NEUTRAL: RerankFeatures = {
  score: 0.5,
  lexical: 0.5,
  mentions: 0,
  graph: 0.5,
  history: 0,
  titlePath: 0,
  frame: 0,
  named: 0,
  module: 0,
  titleStem: 0,
  titlePathShare: 0,
  nonSource: 0,
  reciprocalRank: 0.5,
};

const FILES: CorpusFile[] = [
  {
    path: "pkg/helpers.py",
    language: "python",
    content:
      "def format_value(v):\n    return str(v)\n\ndef to_text(v):\n    return format_value(v)\n",
  },
  {
    path: "pkg/render.py",
    language: "python",
    content:
      "from pkg.helpers import format_value\n\ndef render_table(rows):\n    return [format_value(r) for r in rows]\n\n" +
      "def render_header(cols):\n    return cols\n",
  },
  {
    path: "pkg/table.py",
    language: "python",
    content:
      "from pkg.render import render_table\n\nclass Table:\n    def show(self):\n        return render_table(self.rows)\n",
  },
  {
    path: "pkg/cli.py",
    language: "python",
    content: "from pkg.table import Table\n\ndef main():\n    Table().show()\n",
  },
  { path: "pkg/config.py", language: "python", content: "WIDTH = 80\n" },
  {
    path: "pkg/io.py",
    language: "python",
    content: "def read_rows(path):\n    return open(path).read().split()\n",
  },
];

const QUERY =
  "Table render header wrong\n" +
  "When I call pkg.helpers the table render_header output is wrong, see pkg.helpers.format_value";

describe("second-stage rerank", () => {
  it("orders the head by the model and keeps ties in first-stage order", () => {
    const head = [
      { ...NEUTRAL, reciprocalRank: 1 },
      { ...NEUTRAL, reciprocalRank: 0.5, titleStem: 1, lexical: 0.9 },
      { ...NEUTRAL, reciprocalRank: 1 / 3 },
      { ...NEUTRAL, reciprocalRank: 1 / 3 },
    ];
    expect(rerankOrder(head)).toEqual([1, 0, 2, 3]);
    // A file the issue reaches only through a dotted module mention is weaker than it looks.
    expect(rerankOrder([{ ...NEUTRAL, module: 1 }, NEUTRAL])).toEqual([1, 0]);
    expect(rerankOrder([{ ...NEUTRAL, nonSource: 1 }, NEUTRAL])).toEqual([1, 0]);
    const flat = Object.fromEntries(
      Object.keys(RERANK_COEFFICIENTS).map((key) => [key, 0]),
    ) as unknown as RerankFeatures;
    expect(rerankOrder(head, flat)).toEqual([0, 1, 2, 3]);
  });

  it("lets a file the title names overtake one reached only through a module mention", () => {
    const corpus = buildCorpus(FILES);
    const run = (rerank: number) =>
      scoreCorpus(corpus, QUERY, () => true, { ...DEFAULT_WEIGHTS, rerank });
    const before = run(0);
    const after = run(1);
    const paths = (list: typeof before) => list.map((entry) => corpus.paths[entry.doc]);
    expect(paths(before).slice(0, 3)).toEqual(["pkg/render.py", "pkg/helpers.py", "pkg/table.py"]);
    expect(paths(after).slice(0, 3)).toEqual(["pkg/render.py", "pkg/table.py", "pkg/helpers.py"]);
    // Only the head moves: the same files in it, the same sorted scores, the tail untouched.
    expect(new Set(paths(after).slice(0, RERANK_DEPTH))).toEqual(
      new Set(paths(before).slice(0, RERANK_DEPTH)),
    );
    expect(after.map((entry) => entry.score)).toEqual(before.map((entry) => entry.score));
    expect(paths(after).slice(RERANK_DEPTH)).toEqual(paths(before).slice(RERANK_DEPTH));
  });
});
