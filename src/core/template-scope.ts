/**
 * Which templates a job uses, and the repository's overrides of them. A job runs inside
 * a scope (the pipeline opens one), so every render() in every stage of that job sees the
 * same overrides and records the version it used, without each stage passing them on.
 *
 * A template names its version on its first line: `<!-- template: pr-body v3 -->`.
 * The line is removed before rendering.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface TemplateUse {
  /** e.g. "github/pr-body.md" */
  name: string;
  /** e.g. "v3", or "unversioned" when the file names none. */
  version: string;
  overridden: boolean;
}

interface Scope {
  overrides: Map<string, string>;
  used: Map<string, TemplateUse>;
}

const storage = new AsyncLocalStorage<Scope>();

const HEADER = /^<!--\s*template:\s*([\w./-]+)\s+(v[\w.-]+)\s*-->[ \t]*\r?\n?/;

/** Splits the version header off a template's text. */
export function templateHeader(text: string): { version: string; body: string } {
  const match = HEADER.exec(text);
  if (!match) return { version: "unversioned", body: text };
  return { version: match[2]!, body: text.slice(match[0].length) };
}

export function withTemplateScope<T>(fn: () => Promise<T>): Promise<T> {
  return storage.run({ overrides: new Map(), used: new Map() }, fn);
}

/** Sets the repository's overrides (name -> text) for the rest of the current job. */
export function setTemplateOverrides(overrides: Map<string, string>): void {
  const scope = storage.getStore();
  if (!scope) throw new Error("setTemplateOverrides outside withTemplateScope");
  scope.overrides = new Map(overrides);
}

export function templateOverride(name: string): string | undefined {
  return storage.getStore()?.overrides.get(name);
}

export function recordTemplateUse(use: TemplateUse): void {
  storage.getStore()?.used.set(use.name, use);
}

/** The templates the current job has rendered so far, in name order. */
export function templatesUsed(): TemplateUse[] {
  const scope = storage.getStore();
  if (!scope) return [];
  return [...scope.used.values()].sort((a, b) => a.name.localeCompare(b.name));
}
