import assert from "node:assert/strict";
import { test } from "node:test";
import { slugify } from "../src/index.js";

test("lower-cases a single word", () => {
  assert.equal(slugify("Hello"), "hello");
});

test("joins words with one dash", () => {
  assert.equal(slugify("Hello, World!"), "hello-world");
});
