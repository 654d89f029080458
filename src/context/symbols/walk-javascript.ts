/** TypeScript, TSX and JavaScript: top-level declarations, class and namespace members, imports. */
import type { Node } from "web-tree-sitter";
import { addDefinition, unquote } from "./signature.js";
import type { Collector } from "./types.js";

const FUNCTION_VALUES = new Set([
  "arrow_function",
  "function_expression",
  "function",
  "generator_function",
]);
const CLASS_TYPES = new Set(["class_declaration", "abstract_class_declaration", "class"]);
const METHOD_TYPES = new Set([
  "method_definition",
  "method_signature",
  "abstract_method_signature",
]);
const FUNCTION_TYPES = new Set([
  "function_declaration",
  "generator_function_declaration",
  "function_signature",
]);

function requireSpecifier(value: Node | null): string | undefined {
  if (value?.type !== "call_expression") return undefined;
  const callee = value.childForFieldName("function");
  if (callee?.text !== "require") return undefined;
  const argument = value.childForFieldName("arguments")?.namedChild(0);
  return argument?.type === "string" ? unquote(argument.text) : undefined;
}

function walkVariables(
  declaration: Node,
  outer: Node,
  out: Collector,
  container: string | undefined,
  topLevel: boolean,
) {
  const isConst = declaration.child(0)?.type === "const";
  for (const declarator of declaration.namedChildren) {
    if (declarator?.type !== "variable_declarator") continue;
    const name = declarator.childForFieldName("name");
    const value = declarator.childForFieldName("value");
    const required = requireSpecifier(value);
    if (required) {
      out.imports.add(required);
      continue;
    }
    if (name?.type !== "identifier") continue;
    if (value && FUNCTION_VALUES.has(value.type)) {
      addDefinition(
        out,
        "function",
        name,
        declarator,
        outer,
        value.childForFieldName("body"),
        container,
      );
    } else if (value?.type === "class") {
      addDefinition(
        out,
        "class",
        name,
        declarator,
        outer,
        value.childForFieldName("body"),
        container,
      );
    } else if (topLevel && isConst) {
      addDefinition(out, "const", name, declarator, outer, null, container);
    }
  }
}

function walk(node: Node, out: Collector, container: string | undefined, outerOverride?: Node) {
  const topLevel = container === undefined;
  for (const child of node.namedChildren) {
    if (!child) continue;
    const outer = outerOverride ?? child;
    const type = child.type;
    if (type === "import_statement") {
      const source = child.childForFieldName("source");
      if (source) out.imports.add(unquote(source.text));
    } else if (type === "export_statement") {
      const source = child.childForFieldName("source");
      if (source) out.imports.add(unquote(source.text));
      else walk(child, out, container, child);
    } else if (FUNCTION_TYPES.has(type)) {
      addDefinition(
        out,
        "function",
        child.childForFieldName("name"),
        child,
        outer,
        child.childForFieldName("body"),
        container,
      );
    } else if (CLASS_TYPES.has(type)) {
      const name = child.childForFieldName("name");
      const body = child.childForFieldName("body");
      addDefinition(out, "class", name, child, outer, body, container);
      if (body && name) walk(body, out, name.text);
    } else if (METHOD_TYPES.has(type)) {
      addDefinition(
        out,
        "method",
        child.childForFieldName("name"),
        child,
        child,
        child.childForFieldName("body"),
        container,
      );
    } else if ((type === "public_field_definition" || type === "field_definition") && container) {
      const value = child.childForFieldName("value");
      if (value && FUNCTION_VALUES.has(value.type)) {
        const name = child.childForFieldName("name") ?? child.childForFieldName("property");
        addDefinition(
          out,
          "method",
          name,
          child,
          child,
          value.childForFieldName("body"),
          container,
        );
      }
    } else if (type === "interface_declaration") {
      addDefinition(
        out,
        "interface",
        child.childForFieldName("name"),
        child,
        outer,
        child.childForFieldName("body"),
        container,
      );
    } else if (type === "type_alias_declaration") {
      addDefinition(out, "type", child.childForFieldName("name"), child, outer, null, container);
    } else if (type === "enum_declaration") {
      addDefinition(
        out,
        "enum",
        child.childForFieldName("name"),
        child,
        outer,
        child.childForFieldName("body"),
        container,
      );
    } else if (type === "internal_module" || type === "module") {
      const name = child.childForFieldName("name");
      const body = child.childForFieldName("body");
      addDefinition(out, "module", name, child, outer, body, container);
      if (body && name) walk(body, out, unquote(name.text));
    } else if (type === "lexical_declaration" || type === "variable_declaration") {
      walkVariables(child, outer, out, container, topLevel);
    } else if (type === "ambient_declaration" || type === "expression_statement") {
      walk(child, out, container, outer);
    }
  }
}

// Calls the tree walk does not reach (inside functions) still name modules the file depends on.
const DYNAMIC_IMPORT = /\b(?:require|import)\s*\(\s*['"`]([^'"`\n]+)['"`]\s*\)/g;

export function walkJavaScript(root: Node, out: Collector, text: string): void {
  walk(root, out, undefined);
  if (text.includes("require") || text.includes("import(")) {
    for (const match of text.matchAll(DYNAMIC_IMPORT)) out.imports.add(match[1]!);
  }
}
