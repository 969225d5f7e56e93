// Binary against JSON Lines traces (docs/performance.md, "Binary traces"): for one JSON Lines
// trace, the size of each form, the time to read each back into records (as every `trace`
// command does: parseTrace, parseBinaryTrace) and the time each writer takes over the same
// records, each handing over its output at 64 KiB as the CLI does (formatJson lines; the
// BinaryTraceWriter). Checks that both reads
// give deep-equal records. Rounds are interleaved; the minimum of each is quoted.
// Run: node bench/trace-binary.mjs TRACE.jsonl [ROUNDS]
//   (bundles src/trace and src/diag with esbuild, bench/lib.mjs; no build step)
import { importBundle } from "./lib.mjs";
import { openSync, readFileSync, writeSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { performance } from "node:perf_hooks";

const m = await importBundle("trace-binary", {
  source: 'export * from "./src/trace/index.ts"; export * from "./src/diag/index.ts";',
});

const [file, roundsArg] = process.argv.slice(2);
if (!file) {
  console.error("usage: node bench/trace-binary.mjs TRACE.jsonl [ROUNDS]");
  process.exit(2);
}
const rounds = Number(roundsArg ?? 5);
const FLUSH = 1 << 16;
const devNull = openSync("/dev/null", "w");
const jsonBytes = readFileSync(file);

function readJson() {
  const diags = new m.DiagnosticBag();
  const text = jsonBytes.toString("utf8");
  const records = m.parseTrace(new m.SourceManager().add(file, text), diags);
  if (diags.hasErrors) throw new Error(`${file} has errors`);
  return records;
}

function readBin(bytes) {
  const diags = new m.DiagnosticBag();
  const records = m.parseBinaryTrace(bytes, "bin", diags);
  if (diags.hasErrors) throw new Error(diags.items[0].message);
  return records;
}

/** As the CLI's writer does: lines appended to a buffer written out (to /dev/null) at 64 KiB. */
function writeJson(records) {
  let s = "";
  for (const r of records) {
    s += m.formatJson(r) + "\n";
    if (s.length >= FLUSH) {
      writeSync(devNull, s);
      s = "";
    }
  }
  writeSync(devNull, s);
}

function writeBin(records) {
  const w = new m.BinaryTraceWriter();
  for (const r of records) {
    w.write(r);
    if (w.pending >= FLUSH) writeSync(devNull, w.take());
  }
  writeSync(devNull, w.take());
  writeSync(devNull, w.finish());
}

const records = readJson();
const bin = m.encodeBinaryTrace(records);
if (!isDeepStrictEqual(readBin(bin), records)) throw new Error("binary read differs from JSON");

const times = { readJson: [], readBin: [], writeJson: [], writeBin: [] };
const time = (name, f) => {
  const t = performance.now();
  f();
  times[name].push(performance.now() - t);
};
for (let i = 0; i < rounds; i++) {
  time("readJson", readJson);
  time("readBin", () => readBin(bin));
  time("writeJson", () => writeJson(records));
  time("writeBin", () => writeBin(records));
}
const min = (k) => Math.min(...times[k]);
const ms = (k) => `${min(k).toFixed(0)} ms (of ${times[k].map((t) => t.toFixed(0)).join(", ")})`;
console.log(`records            ${records.length}`);
console.log(`JSON Lines         ${jsonBytes.length} bytes`);
console.log(`binary             ${bin.length} bytes (${(jsonBytes.length / bin.length).toFixed(1)}x smaller)`); // prettier-ignore
console.log(`read JSON Lines    ${ms("readJson")}`);
console.log(`read binary        ${ms("readBin")} (${(min("readJson") / min("readBin")).toFixed(1)}x faster)`); // prettier-ignore
console.log(`write JSON Lines   ${ms("writeJson")}`);
console.log(`write binary       ${ms("writeBin")}`);
