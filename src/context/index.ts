export {
  listInventory,
  scanInventory,
  readInventoryFile,
  DEFAULT_MAX_FILE_BYTES,
} from "./inventory.js";
export type { InventoryFile, InventoryOptions, InventoryScan, SkipReason } from "./inventory.js";
export { languageOf, SOURCE_LANGUAGES } from "./languages.js";
export { extractSymbols, createSymbolPool, MIN_FILES_FOR_WORKERS } from "./symbols/index.js";
export type { FileSymbols, SourceFile, SymbolDef, SymbolPool } from "./symbols/index.js";
export { detectProfile } from "./profile.js";
export {
  getIndex,
  symbolsFor,
  buildIndex,
  loadIndex,
  saveIndex,
  clearIndexMemory,
  indexStats,
} from "./cache.js";
export type { RepoIndex, IndexOptions } from "./cache.js";
export { buildRepoMap } from "./repo-map.js";
export { estimateTokens, charsForTokens, CHARS_PER_TOKEN } from "./tokens.js";
export { analyzeContext } from "./pack.js";
export type { AnalyzeContextInput, RankFiles } from "./pack.js";
export { localize } from "./localize.js";
export type { LocalizeInput } from "./localize.js";
