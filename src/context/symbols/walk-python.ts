/** Python: module- and class-level definitions, imports (also inside if/try blocks at module level). */
import type { Node } from "web-tree-sitter";
import { addDefinition } from "./signature.js";
import type { Collector } from "./types.js";

const BLOCKS = new Set([
  "if_statement",
  "elif_clause",
  "else_clause",
  "try_statement",
  "except_clause",
  "finally_clause",
  "with_statement",
  "block",
]);
const CONSTANT_NAME = /^[A-Z][A-Z0-9_]*$/;

function walk(node: Node, out: Collector, container: string | undefined) {
  for (const child of node.namedChildren) {
    if (!child) continue;
    let definition: Node = child;
    if (child.type === "decorated_definition")
      definition = child.childForFieldName("definition") ?? child;
    const type = definition.type;
    if (type === "import_statement") {
      for (const name of definition.childrenForFieldName("name")) {
        const module = name?.type === "aliased_import" ? name.childForFieldName("name") : name;
        if (module) out.imports.add(module.text);
      }
    } else if (type === "import_from_statement") {
      const module = definition.childForFieldName("module_name");
      if (module) out.imports.add(module.text);
    } else if (type === "future_import_statement") {
      continue;
    } else if (type === "function_definition") {
      const kind = container ? "method" : "function";
      const name = definition.childForFieldName("name");
      addDefinition(
        out,
        kind,
        name,
        definition,
        definition,
        definition.childForFieldName("body"),
        container,
      );
    } else if (type === "class_definition") {
      const name = definition.childForFieldName("name");
      const body = definition.childForFieldName("body");
      addDefinition(out, "class", name, definition, definition, body, container);
      if (body && name) walk(body, out, name.text);
    } else if (type === "expression_statement" && !container) {
      const assignment = definition.namedChild(0);
      const left = assignment?.type === "assignment" ? assignment.childForFieldName("left") : null;
      if (left?.type === "identifier" && CONSTANT_NAME.test(left.text)) {
        addDefinition(out, "const", left, definition, definition, null);
      }
    } else if (BLOCKS.has(type)) {
      walk(definition, out, container);
    }
  }
}

export function walkPython(root: Node, out: Collector): void {
  walk(root, out, undefined);
}
