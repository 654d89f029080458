export {
  listInventory,
  scanInventory,
  readInventoryFile,
  DEFAULT_MAX_FILE_BYTES,
} from "./inventory.js";
export type { InventoryFile, InventoryOptions, InventoryScan, SkipReason } from "./inventory.js";
export { languageOf, SOURCE_LANGUAGES } from "./languages.js";
