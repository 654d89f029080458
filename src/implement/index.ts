export { runImplement, type ImplementInput, type ImplementResult } from "./run-implement.js";
export { createEditor, type Editor, type EditorResult } from "./editor-tool.js";
export { createPathGuard, type PathGuard, type WorkspacePath } from "./safe-path.js";
