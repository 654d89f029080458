/** Rust: items at any module depth, impl and trait members, `use` paths and `mod x;` files. */
import type { Node } from "web-tree-sitter";
import { addDefinition, oneLine } from "./signature.js";
import type { Collector } from "./types.js";

const KINDS: Record<string, string> = {
  function_item: "function",
  function_signature_item: "function",
  struct_item: "struct",
  union_item: "struct",
  enum_item: "enum",
  trait_item: "trait",
  type_item: "type",
  const_item: "const",
  static_item: "const",
  macro_definition: "macro",
};

function walk(node: Node, out: Collector, container: string | undefined, inImpl: boolean) {
  for (const child of node.namedChildren) {
    if (!child) continue;
    const type = child.type;
    if (type === "use_declaration") {
      const argument = child.childForFieldName("argument");
      if (argument) out.imports.add(oneLine(argument.text).replace(/\s/g, ""));
    } else if (type === "mod_item") {
      const name = child.childForFieldName("name");
      const body = child.childForFieldName("body");
      addDefinition(out, "module", name, child, child, body, container);
      // `mod x;` is how Rust says "this module's file x.rs is part of me": an edge of the graph.
      if (!body && name) out.imports.add(`self::${name.text}`);
      if (body && name) walk(body, out, name.text, false);
    } else if (type === "impl_item") {
      const implemented = child.childForFieldName("type");
      const trait = child.childForFieldName("trait");
      const body = child.childForFieldName("body");
      const name = implemented ? implemented.text.replace(/<.*$/s, "") : undefined;
      addDefinition(
        out,
        "impl",
        trait && name ? `${trait.text} for ${name}` : name,
        child,
        child,
        body,
        container,
      );
      if (body && name) walk(body, out, name, true);
    } else if (KINDS[type]) {
      const kind = KINDS[type] === "function" && inImpl ? "method" : KINDS[type];
      const name = child.childForFieldName("name");
      const body = child.childForFieldName("body");
      addDefinition(
        out,
        kind,
        name,
        child,
        child,
        type === "function_item" || type === "trait_item" ? body : null,
        container,
      );
      if (type === "trait_item" && body && name) walk(body, out, name.text, true);
    }
  }
}

export function walkRust(root: Node, out: Collector): void {
  walk(root, out, undefined, false);
}
