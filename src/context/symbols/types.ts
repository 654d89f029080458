import type { Node } from "web-tree-sitter";

export interface SymbolDef {
  name: string;
  /** function, method, class, interface, type, enum, struct, trait, impl, module, const, macro, heading. */
  kind: string;
  /** 1-based line of the definition. */
  line: number;
  /** The declaration on one line, without its body, at most ~160 characters. */
  signature: string;
  /** The enclosing class, impl, trait or namespace, when there is one. */
  container?: string;
}

export interface FileSymbols {
  definitions: SymbolDef[];
  /** Module specifiers as written: "./util", "react", "os.path", ".models", "crate::a::b", "java.util.List". */
  imports: string[];
}

export interface SourceFile {
  path: string;
  language: string;
  content: string;
}

/** What a language walker fills in. */
export interface Collector {
  definitions: SymbolDef[];
  imports: Set<string>;
}

export type Walker = (root: Node, out: Collector, content: string) => void;
