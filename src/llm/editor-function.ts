/**
 * The text-editor tool as a plain function tool, for providers without Anthropic's native one.
 * Same name and commands, so the implement stage cannot tell the difference.
 */
import { EDITOR_TOOL_NAME, type JsonSchema } from "../core/index.js";

export const EDITOR_FUNCTION_DESCRIPTION =
  "View and edit files of the repository. Commands: `view` (a file with line numbers, optional view_range [start, end] with end -1 for the end; or a directory listing), `create` (write file_text to path, replacing any file there), `str_replace` (replace old_str, which must occur exactly once, with new_str), `insert` (insert insert_text after line insert_line; 0 is the top). Paths are relative to the repository root.";

export const EDITOR_FUNCTION_SCHEMA: JsonSchema = {
  type: "object",
  properties: {
    command: { type: "string", enum: ["view", "create", "str_replace", "insert"] },
    path: { type: "string", description: "Path from the repository root, e.g. src/index.ts" },
    view_range: { type: "array", items: { type: "integer" }, minItems: 2, maxItems: 2 },
    file_text: { type: "string" },
    old_str: { type: "string" },
    new_str: { type: "string" },
    insert_line: { type: "integer", minimum: 0 },
    insert_text: { type: "string" },
  },
  required: ["command", "path"],
};

export const EDITOR_FUNCTION = {
  name: EDITOR_TOOL_NAME,
  description: EDITOR_FUNCTION_DESCRIPTION,
  parameters: EDITOR_FUNCTION_SCHEMA,
};
