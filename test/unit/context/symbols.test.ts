import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { extractSymbols, languageOf, type FileSymbols } from "../../../src/context/index.js";

const fixtures = fileURLToPath(new URL("../../fixtures/context/symbols/", import.meta.url));

async function symbolsOf(file: string): Promise<FileSymbols> {
  return extractSymbols({
    path: file,
    language: languageOf(file),
    content: readFileSync(fixtures + file, "utf8"),
  });
}

/** "line kind container.name" for compact, exact comparison. */
function outline(symbols: FileSymbols): string[] {
  return symbols.definitions.map(
    (d) => `${d.line} ${d.kind} ${d.container ? `${d.container}.` : ""}${d.name}`,
  );
}

describe("extractSymbols", () => {
  it("TypeScript: declarations, class members, namespaces and every kind of import", async () => {
    const symbols = await symbolsOf("sample.ts");
    expect(outline(symbols)).toEqual([
      "5 const DEFAULT_LIMIT",
      "7 interface Store",
      "11 type Key",
      "13 enum Color",
      "18 function createStore",
      "22 function loadConfig",
      "26 class BaseCache",
      "27 method BaseCache.size",
      "30 class MemoryCache",
      "33 method MemoryCache.constructor",
      "37 method MemoryCache.size",
      "41 method MemoryCache.onEvict",
      "46 module Internal",
      "47 function Internal.reset",
      "50 function lazy",
    ]);
    expect(symbols.imports).toEqual([
      "node:fs/promises",
      "./options.js",
      "./helper.js",
      "./lazy-module.js",
    ]);
    const createStore = symbols.definitions.find((d) => d.name === "createStore");
    expect(createStore?.signature).toBe(
      "export function createStore<T>(options: Options): Store<T>",
    );
  });

  it("TSX: components as functions and classes", async () => {
    const symbols = await symbolsOf("sample.tsx");
    expect(outline(symbols)).toEqual([
      "4 interface CounterProps",
      "8 function Counter",
      "13 function Label",
      "15 class Panel",
      "16 method Panel.render",
    ]);
    expect(symbols.imports).toEqual(["react", "./Button"]);
  });

  it("JavaScript: require and import, function expressions, classes", async () => {
    const symbols = await symbolsOf("sample.js");
    expect(outline(symbols)).toEqual([
      "5 function resolveEntry",
      "9 function format",
      "13 class Tokenizer",
      "14 method Tokenizer.constructor",
      "18 method Tokenizer.next",
    ]);
    expect(symbols.imports).toEqual(["path", "./parser", "./thing.mjs"]);
  });

  it("Python: functions, classes, methods (decorated too), constants, relative and guarded imports", async () => {
    const symbols = await symbolsOf("sample.py");
    expect(outline(symbols)).toEqual([
      "13 const MAX_RETRIES",
      "17 function fetch",
      "21 class Client",
      "24 method Client.__init__",
      "28 method Client.name",
      "31 method Client.request",
      "36 class Config",
    ]);
    expect(symbols.imports).toEqual(["os", "json", "collections", ".", ".models", "ujson"]);
    expect(symbols.definitions[1]?.signature).toBe(
      "def fetch(url: str, retries: int = MAX_RETRIES) -> bytes:",
    );
  });

  it("Go: functions, methods with receivers, structs, interfaces, constants", async () => {
    const symbols = await symbolsOf("sample.go");
    expect(outline(symbols)).toEqual([
      "11 const DefaultPort",
      "12 const DefaultHost",
      "15 interface Handler",
      "19 struct Server",
      "23 type Port",
      "25 function New",
      "29 method Server.Start",
    ]);
    expect(symbols.imports).toEqual(["fmt", "net/http", "os"]);
    expect(symbols.definitions.find((d) => d.name === "Start")?.signature).toBe(
      "func (s *Server) Start() error",
    );
  });

  it("Rust: items, impl blocks and trait members, use paths and mod files", async () => {
    const symbols = await symbolsOf("sample.rs");
    expect(outline(symbols)).toEqual([
      "4 module parser",
      "6 const MAX_DEPTH",
      "8 struct Registry",
      "12 enum Event",
      "17 trait Visitor",
      "18 method Visitor.visit",
      "21 impl Registry",
      "22 method Registry.new",
      "26 method Registry.len",
      "31 impl Visitor for Registry",
      "32 method Registry.visit",
      "35 type Result",
      "37 macro square",
      "43 function run",
    ]);
    expect(symbols.imports).toEqual([
      "std::collections::HashMap",
      "crate::config::{Config,Mode}",
      "self::parser",
    ]);
  });

  it("Java: classes, nested types, methods, constructors, constants, static imports", async () => {
    const symbols = await symbolsOf("Sample.java");
    expect(outline(symbols)).toEqual([
      "7 class Sample",
      "8 const Sample.LIMIT",
      "11 constructor Sample.Sample",
      "15 method Sample.names",
      "19 interface Sample.Listener",
      "20 method Listener.onEvent",
      "23 enum Sample.State",
    ]);
    expect(symbols.imports).toEqual([
      "java.util.List",
      "java.util.Map",
      "java.util.Objects.requireNonNull",
    ]);
  });

  it("Vue components: the script block's symbols at the component's lines", async () => {
    const symbols = await symbolsOf("Sample.vue");
    expect(outline(symbols)).toEqual(["9 const count", "11 function increment"]);
    expect(symbols.imports).toEqual(["vue", "../store"]);
  });

  it("falls back to line patterns for languages without a grammar (Ruby)", async () => {
    const symbols = await symbolsOf("sample.rb");
    expect(outline(symbols)).toEqual([
      "4 module Billing",
      "5 class Invoice",
      "6 function initialize",
      "10 function self.build",
    ]);
    expect(symbols.imports).toEqual(["json", "lib/helper"]);
  });

  it("outlines Markdown by headings, not by comments in code blocks", async () => {
    expect(outline(await symbolsOf("sample.md"))).toEqual([
      "1 heading Project",
      "5 heading Install",
      "12 heading Usage",
    ]);
  });

  it("still finds definitions in a file the grammar reads only in part", async () => {
    const content = "{{#each items}}\nfunction rendered() {}\n{{/each}}\n<<<>>>\n";
    const symbols = await extractSymbols({ path: "page.js", language: "javascript", content });
    expect(outline(symbols)).toEqual(["2 function rendered"]);
  });

  it("returns nothing for data files", async () => {
    expect(await extractSymbols({ path: "a.json", language: "json", content: '{"a": 1}' })).toEqual(
      {
        definitions: [],
        imports: [],
      },
    );
  });
});
