/** File name -> language id (lowercase, stable: ranking and the profile key on these). */
import path from "node:path";

const byExtension: Record<string, string> = {
  ts: "typescript",
  mts: "typescript",
  cts: "typescript",
  tsx: "typescript",
  js: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  jsx: "javascript",
  py: "python",
  pyi: "python",
  go: "go",
  rs: "rust",
  java: "java",
  kt: "kotlin",
  kts: "kotlin",
  scala: "scala",
  groovy: "groovy",
  c: "c",
  h: "c",
  cc: "cpp",
  cpp: "cpp",
  cxx: "cpp",
  hpp: "cpp",
  hh: "cpp",
  hxx: "cpp",
  cs: "csharp",
  rb: "ruby",
  php: "php",
  swift: "swift",
  m: "objective-c",
  mm: "objective-c",
  dart: "dart",
  lua: "lua",
  pl: "perl",
  pm: "perl",
  r: "r",
  jl: "julia",
  ex: "elixir",
  exs: "elixir",
  erl: "erlang",
  hs: "haskell",
  ml: "ocaml",
  mli: "ocaml",
  fs: "fsharp",
  clj: "clojure",
  zig: "zig",
  nim: "nim",
  vue: "vue",
  svelte: "svelte",
  astro: "astro",
  sh: "shell",
  bash: "shell",
  zsh: "shell",
  ps1: "powershell",
  sql: "sql",
  html: "html",
  htm: "html",
  css: "css",
  scss: "scss",
  sass: "scss",
  less: "less",
  json: "json",
  jsonc: "json",
  json5: "json",
  yaml: "yaml",
  yml: "yaml",
  toml: "toml",
  xml: "xml",
  ini: "ini",
  cfg: "ini",
  md: "markdown",
  mdx: "markdown",
  rst: "restructuredtext",
  txt: "text",
  proto: "protobuf",
  graphql: "graphql",
  gql: "graphql",
  tf: "terraform",
  gradle: "groovy",
};

const byName: Record<string, string> = {
  dockerfile: "dockerfile",
  makefile: "make",
  gnumakefile: "make",
  "cmakelists.txt": "cmake",
  gemfile: "ruby",
  rakefile: "ruby",
  justfile: "make",
};

/** "text" when nothing is known: the file is still listed, just not parsed. */
export function languageOf(filePath: string): string {
  const base = path.posix.basename(filePath).toLowerCase();
  const named = byName[base];
  if (named) return named;
  if (base.startsWith("dockerfile.") || base.endsWith(".dockerfile")) return "dockerfile";
  const dot = base.lastIndexOf(".");
  if (dot <= 0) return "text";
  return byExtension[base.slice(dot + 1)] ?? "text";
}

/** Languages whose files are program source (not docs, data or configuration). */
export const SOURCE_LANGUAGES: ReadonlySet<string> = new Set(
  Object.values(byExtension).filter(
    (id) =>
      ![
        "json",
        "yaml",
        "toml",
        "xml",
        "ini",
        "markdown",
        "restructuredtext",
        "text",
        "html",
        "css",
        "scss",
        "less",
      ].includes(id),
  ),
);
