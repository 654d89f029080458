/** Go: functions, methods (with their receiver type), types, constants, imports. */
import type { Node } from "web-tree-sitter";
import { addDefinition, unquote } from "./signature.js";
import type { Collector } from "./types.js";

function receiverType(method: Node): string | undefined {
  const parameter = method.childForFieldName("receiver")?.namedChild(0);
  const type = parameter?.childForFieldName("type")?.text;
  return type?.replace(/^\*/, "").replace(/\[.*$/, "");
}

function addImports(node: Node, out: Collector) {
  for (const child of node.namedChildren) {
    if (child?.type === "import_spec") {
      const path = child.childForFieldName("path");
      if (path) out.imports.add(unquote(path.text));
    } else if (child?.type === "import_spec_list") {
      addImports(child, out);
    }
  }
}

/** Grouped declarations (`type (...)`, `const (...)`) leave the keyword off each spec: put it back. */
function prefixLast(out: Collector, keyword: string) {
  const last = out.definitions[out.definitions.length - 1];
  if (last && !last.signature.startsWith(keyword)) last.signature = keyword + last.signature;
}

function typeKind(spec: Node): string {
  const type = spec.childForFieldName("type")?.type;
  if (type === "struct_type") return "struct";
  if (type === "interface_type") return "interface";
  return "type";
}

export function walkGo(root: Node, out: Collector): void {
  for (const child of root.namedChildren) {
    if (!child) continue;
    const type = child.type;
    if (type === "import_declaration") {
      addImports(child, out);
    } else if (type === "function_declaration") {
      addDefinition(
        out,
        "function",
        child.childForFieldName("name"),
        child,
        child,
        child.childForFieldName("body"),
      );
    } else if (type === "method_declaration") {
      const name = child.childForFieldName("name");
      addDefinition(
        out,
        "method",
        name,
        child,
        child,
        child.childForFieldName("body"),
        receiverType(child),
      );
    } else if (type === "type_declaration") {
      for (const spec of child.namedChildren) {
        if (spec?.type !== "type_spec" && spec?.type !== "type_alias") continue;
        const body = spec.childForFieldName("type");
        const bodyIsBlock = body?.type === "struct_type" || body?.type === "interface_type";
        addDefinition(
          out,
          typeKind(spec),
          spec.childForFieldName("name"),
          spec,
          spec,
          bodyIsBlock ? body.lastNamedChild : null,
        );
        prefixLast(out, "type ");
      }
    } else if (type === "const_declaration") {
      for (const spec of child.namedChildren) {
        if (spec?.type !== "const_spec") continue;
        for (const name of spec.childrenForFieldName("name")) {
          addDefinition(out, "const", name, spec, spec, null);
          prefixLast(out, "const ");
        }
      }
    }
  }
}
