#!/usr/bin/env node
// The entrylab command. Runs the bundle that scripts/build.mjs writes (dist/entrylab.vm.js) through
// node:vm with V8's code cache from the build (dist/entrylab.vm.cache), which saves compiling the
// bundle on every start. The cache is used only when its key line matches the script's last line;
// V8 checks its own version and flags and rejects a foreign cache. Without a usable cache the
// script is compiled from source: the same program, just slower to start.
// This file is CommonJS (bin/package.json): Node starts a CommonJS entry faster than an ES module.
"use strict";
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const { pathToFileURL } = require("node:url");
const { Script } = require("node:vm");

const DIST = join(__dirname, "../dist");
const SCRIPT = join(DIST, "entrylab.vm.js");
const CACHE = join(DIST, "entrylab.vm.cache");
/** The key line that ends the script; the cache file starts with the same line. */
const KEY_PREFIX = "//# entrylab-build-key=";
const EXIT_INTERNAL = 70;

/** The cache's code for `text`, or undefined when it is missing or was built for another script. */
function cachedDataFor(text) {
  let cache;
  try {
    cache = readFileSync(CACHE);
  } catch {
    return undefined;
  }
  const at = text.lastIndexOf(KEY_PREFIX);
  if (at < 0) return undefined;
  const keyLine = text.slice(at); // ends with "\n"
  const head = cache.toString("latin1", 0, keyLine.length);
  return head === keyLine ? cache.subarray(keyLine.length) : undefined;
}

function load() {
  let text;
  try {
    text = readFileSync(SCRIPT, "utf8");
  } catch {
    process.stderr.write(`entrylab: error[E0005]: ${SCRIPT} is missing; run \`npm run build\`\n`);
    process.exit(EXIT_INTERNAL);
  }
  const cachedData = cachedDataFor(text);
  const script = new Script(text, { filename: SCRIPT, cachedData });
  if (process.env.ENTRYLAB_DEBUG_CACHE) {
    const state = !cachedData ? "none" : script.cachedDataRejected ? "rejected" : "accepted";
    process.stderr.write(`entrylab: code cache ${state}\n`);
  }
  const bundle = { exports: {} };
  // The bundle requires only Node's built-in modules, which any `require` resolves alike.
  script.runInThisContext()(bundle.exports, require, bundle, SCRIPT, DIST, pathToFileURL(SCRIPT).href); // prettier-ignore
  return bundle.exports;
}

load()
  .main(process.argv.slice(2))
  .then((status) => {
    process.exitCode = status;
  });
