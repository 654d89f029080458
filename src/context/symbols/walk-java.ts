/** Java: types (nested too), methods, constructors, static final constants, imports. */
import type { Node } from "web-tree-sitter";
import { addDefinition } from "./signature.js";
import type { Collector } from "./types.js";

const TYPE_KINDS: Record<string, string> = {
  class_declaration: "class",
  interface_declaration: "interface",
  enum_declaration: "enum",
  record_declaration: "class",
  annotation_type_declaration: "interface",
};

function walk(node: Node, out: Collector, container: string | undefined) {
  for (const child of node.namedChildren) {
    if (!child) continue;
    const type = child.type;
    if (type === "import_declaration") {
      const specifier = child.text.replace(/^import\s+(static\s+)?/, "").replace(/[\s;]+$/, "");
      out.imports.add(specifier.replace(/\s/g, ""));
    } else if (TYPE_KINDS[type]) {
      const name = child.childForFieldName("name");
      const body = child.childForFieldName("body");
      addDefinition(out, TYPE_KINDS[type], name, child, child, body, container);
      if (body && name) walk(body, out, name.text);
    } else if (type === "enum_body_declarations") {
      walk(child, out, container);
    } else if (type === "method_declaration" || type === "constructor_declaration") {
      const kind = type === "method_declaration" ? "method" : "constructor";
      addDefinition(
        out,
        kind,
        child.childForFieldName("name"),
        child,
        child,
        child.childForFieldName("body"),
        container,
      );
    } else if (type === "field_declaration") {
      const modifiers = child.namedChildren.find((c) => c?.type === "modifiers")?.text ?? "";
      if (!/\bstatic\b/.test(modifiers) || !/\bfinal\b/.test(modifiers)) continue;
      for (const declarator of child.childrenForFieldName("declarator")) {
        addDefinition(
          out,
          "const",
          declarator?.childForFieldName("name"),
          child,
          child,
          null,
          container,
        );
      }
    }
  }
}

export function walkJava(root: Node, out: Collector): void {
  walk(root, out, undefined);
}
