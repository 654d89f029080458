/**
 * The context pack for one issue, within a token budget: instruction files (capped), the
 * profile, the top files (whole, or windows around what the issue mentions) and a repo map of
 * the ranked files. Files get the budget first; the map takes what they leave.
 */
import {
  containsSecret,
  silentLogger,
  render,
  type ContextFile,
  type ContextPack,
  type Logger,
  type RankedFile,
  type RepoProfile,
} from "../core/index.js";
import { getIndex, symbolsFor, type IndexOptions } from "./cache.js";
import { excerpt, issueTerms, type IssueTerms } from "./excerpts.js";
import { readInventoryFile, type InventoryFile } from "./inventory.js";
import { localize } from "./localize.js";
import { buildRepoMap } from "./repo-map.js";
import type { FileSymbols } from "./symbols/index.js";
import { charsForTokens, estimateTokens } from "./tokens.js";

export type RankFiles = (input: {
  dir: string;
  query: string;
  top?: number;
  cacheDir?: string;
  files?: InventoryFile[];
}) => Promise<RankedFile[]>;

export interface AnalyzeContextInput {
  dir: string;
  sha: string;
  issue: { title: string; body: string };
  budgetTokens: number;
  exclude?: string[];
  cacheDir?: string;
  logger?: Logger;
  /** How many of the best-ranked files go in with their content (default 8). */
  top?: number;
  /** The ranking; default `localize`. */
  rank?: RankFiles;
}

const DEFAULT_TOP = 8;
/** The repo map lists this many ranked files for every file shown with content. */
const MAP_FILES_PER_TOP = 5;
const INSTRUCTIONS_SHARE = 0.15;
const INSTRUCTIONS_MAX_TOKENS = 4000;
const INSTRUCTION_FILE_MAX_TOKENS = 1500;
const MAP_SHARE = 0.15;
const MAP_MAX_TOKENS = 4000;
/** One file takes at most this share of what is left for files, so the next ones get room. */
const FILE_SHARE = 0.5;
/** Below this, a file's excerpt is too small to help. */
const MIN_FILE_TOKENS = 120;
const TEMPLATE = "prompts/context-pack.md";

interface Pieces {
  instructions: { path: string; content: string }[];
  files: ContextFile[];
  repoMap: string;
}

function fenceFor(content: string): string {
  const longest = Math.max(2, ...[...content.matchAll(/`{3,}/g)].map((m) => m[0].length));
  return "`".repeat(longest + 1);
}

function truncateTo(text: string, maxChars: number, note: string): string {
  if (text.length <= maxChars) return text;
  const room = Math.max(0, maxChars - note.length - 1);
  const cut = text.lastIndexOf("\n", room);
  return `${text.slice(0, cut > room / 2 ? cut : room)}\n${note}`;
}

function profileData(profile: RepoProfile) {
  return {
    languages: profile.languages
      .slice(0, 8)
      .map((l) => `${l.name} (${l.files})`)
      .join(", "),
    packageManagers: profile.packageManagers.join(", "),
    testFramework: profile.testFramework ?? "",
    commands: Object.values(profile.commands)
      .filter((c) => c !== undefined)
      .map((c) => ({ name: c.name, command: c.argv.join(" ") })),
    configFiles: profile.configFiles.join(", "),
    manifests:
      profile.manifests.slice(0, 10).join(", ") + (profile.manifests.length > 10 ? ", …" : ""),
  };
}

async function renderPack(profile: RepoProfile, pieces: Pieces): Promise<string> {
  return render(TEMPLATE, {
    ...profileData(profile),
    instructions: pieces.instructions,
    repoMap: pieces.repoMap,
    mapFence: fenceFor(pieces.repoMap),
    files: pieces.files.map((f) => ({ ...f, fence: fenceFor(f.content) })),
  });
}

async function readInstructions(dir: string, paths: string[], budgetTokens: number) {
  const out: { path: string; content: string }[] = [];
  let left = budgetTokens;
  for (const file of paths) {
    const cap = Math.min(left, INSTRUCTION_FILE_MAX_TOKENS);
    if (cap < MIN_FILE_TOKENS) break;
    const text = await readInventoryFile(dir, file).catch(() => undefined);
    if (!text?.trim() || (await containsSecret(text, file))) continue;
    const content = truncateTo(
      text.trim(),
      charsForTokens(cap),
      `… (${file} continues; read it for the rest)`,
    );
    out.push({ path: file, content });
    left -= estimateTokens(content) + estimateTokens(file) + 10;
  }
  return out;
}

async function selectFiles(
  dir: string,
  symbols: Map<string, FileSymbols>,
  ranked: RankedFile[],
  terms: IssueTerms,
  budgetTokens: number,
): Promise<ContextFile[]> {
  const out: ContextFile[] = [];
  let left = budgetTokens;
  for (let i = 0; i < ranked.length; i++) {
    const file = ranked[i]!;
    const header = estimateTokens(file.path) + 25;
    const isLast = i === ranked.length - 1;
    const cap = Math.floor(
      (isLast ? left : Math.max(left * FILE_SHARE, Math.min(left, MIN_FILE_TOKENS * 4))) - header,
    );
    if (cap < MIN_FILE_TOKENS) break;
    const content = await readInventoryFile(dir, file.path).catch(() => undefined);
    // A file holding a credential stays out of the model's context whatever it is called.
    if (content === undefined || (await containsSecret(content, file.path))) continue;
    const definitions = symbols.get(file.path)?.definitions ?? [];
    const part = excerpt(content, definitions, terms, charsForTokens(cap));
    if (!part) continue;
    out.push({ path: file.path, content: part.content, partial: part.partial });
    left -= estimateTokens(part.content) + header;
  }
  return out;
}

export async function analyzeContext(input: AnalyzeContextInput): Promise<ContextPack> {
  const logger = input.logger ?? silentLogger;
  const started = performance.now();
  const budget = Math.max(0, Math.floor(input.budgetTokens));
  const top = input.top ?? DEFAULT_TOP;
  // Lazy: the pack needs the symbols of the ranked files only, parsed after the ranking.
  const indexOptions: IndexOptions = { logger, symbols: "lazy" };
  if (input.cacheDir) indexOptions.cacheDir = input.cacheDir;
  if (input.exclude) indexOptions.exclude = input.exclude;
  const index = await getIndex(input.dir, input.sha, indexOptions);

  const query = `${input.issue.title}\n\n${input.issue.body}`;
  const rankInput: Parameters<RankFiles>[0] = {
    dir: input.dir,
    query,
    top: Math.max(top * MAP_FILES_PER_TOP, 20),
    files: index.files,
  };
  if (input.cacheDir) rankInput.cacheDir = input.cacheDir;
  const ranked = await (input.rank ?? localize)(rankInput);
  const terms = issueTerms(query);
  const symbols = await symbolsFor(
    input.dir,
    index,
    ranked.map((r) => r.path),
  );

  const empty: Pieces = { instructions: [], files: [], repoMap: "" };
  const overhead = estimateTokens(await renderPack(index.profile, empty));
  const available = Math.max(0, budget - overhead);
  const instructions = await readInstructions(
    input.dir,
    index.profile.instructionFiles,
    Math.min(available * INSTRUCTIONS_SHARE, INSTRUCTIONS_MAX_TOKENS),
  );
  const instructionTokens = instructions.reduce(
    (sum, i) => sum + estimateTokens(i.content) + estimateTokens(i.path) + 10,
    0,
  );
  const forFilesAndMap = Math.max(0, available - instructionTokens);
  const mapReserve = Math.min(forFilesAndMap * MAP_SHARE, MAP_MAX_TOKENS);

  let pieces: Pieces;
  let text: string;
  // The estimates above leave out the template's per-section text, so shrink until the render fits.
  for (let slack = 0; ; slack = Math.max(slack * 2, 50)) {
    const fileBudget = Math.max(0, forFilesAndMap - mapReserve - slack);
    const files = await selectFiles(input.dir, symbols, ranked.slice(0, top), terms, fileBudget);
    const fileTokens = files.reduce(
      (sum, f) => sum + estimateTokens(f.content) + estimateTokens(f.path) + 25,
      0,
    );
    const mapBudget = Math.max(0, forFilesAndMap - fileTokens - slack - 30);
    pieces = {
      instructions,
      files,
      repoMap: buildRepoMap(ranked, symbols, Math.min(mapBudget, MAP_MAX_TOKENS * 2)),
    };
    text = await renderPack(index.profile, pieces);
    if (estimateTokens(text) <= budget || slack > budget) break;
  }
  if (estimateTokens(text) > budget) {
    pieces = empty;
    text = truncateTo(await renderPack(index.profile, empty), charsForTokens(budget), "…");
    if (estimateTokens(text) > budget) text = text.slice(0, charsForTokens(budget));
  }

  const tokens = estimateTokens(text);
  logger.info(
    {
      files: pieces.files.length,
      ranked: ranked.length,
      tokens,
      budget,
      ms: Math.round(performance.now() - started),
    },
    "context pack ready",
  );
  return {
    profile: index.profile,
    ranked,
    repoMap: pieces.repoMap,
    instructions: pieces.instructions,
    files: pieces.files,
    text,
    tokens,
  };
}
