// What recording an insn-level trace costs, by format (docs/performance.md, "Binary traces"):
// the model kernel runs a scenario, in process, with a sink that drops every event (the VM's own
// cost at the insn level), with the recorder alone (records made, dropped), and with the
// recorder feeding each writer as `--trace` does — JSON Lines lines or the binary writer, each
// writing its output to /dev/null at 64 KiB with writeSync — and then each writer alone over the
// records the recorder made (its strings shared, as in a run). Only machine.run() is timed; the boot is not. Rounds are
// interleaved; the minimum of each is quoted, and the overhead of each writer over the recorder.
// Run: node bench/trace-record.mjs [SCENARIO] [ROUNDS]   (default pti-c-pingpong, 5)
//   (bundles the CLI's kernel command with esbuild into dist/; no build step)
import { importBundle } from "./lib.mjs";
import { openSync, writeSync } from "node:fs";
import { performance } from "node:perf_hooks";

const m = await importBundle("trace-record", {
  source:
    'export { prepare } from "./src/cli/commands/kernel.ts"; export * from "./src/trace/index.ts";',
});

const [scenario = "pti-c-pingpong", roundsArg = "5"] = process.argv.slice(2);
const rounds = Number(roundsArg);
const FLUSH = 1 << 16;
/** Where the writers' output goes, with the CLI's own writeSync calls. */
const devNull = openSync("/dev/null", "w");

/** Each mode's record handler (undefined: no recorder, a sink that drops the events). */
const modes = {
  "no-op sink": () => ({}),
  "recorder alone": () => ({ onRecord() {} }),
  "recorder + JSON Lines": () => {
    let buf = "";
    const onRecord = (r) => {
      buf += m.formatJson(r) + "\n";
      if (buf.length >= FLUSH) {
        writeSync(devNull, buf);
        buf = "";
      }
    };
    return { onRecord, finish: () => writeSync(devNull, buf) };
  },
  "recorder + binary": () => {
    const w = new m.BinaryTraceWriter();
    const onRecord = (r) => {
      w.write(r);
      if (w.pending >= FLUSH) writeSync(devNull, w.take());
    };
    return { onRecord, finish: () => writeSync(devNull, w.finish()) };
  },
};

/** One boot and run; the time of the run. `keep`: the recorder keeps its records instead. */
function once(make, keep) {
  const { onRecord, finish } = make();
  // The machine takes its sink at boot, before the image is known: a box the recorder goes into.
  const box = { level: "insn", target: undefined, event: (e) => box.target?.event(e) };
  const write = process.stdout.write;
  process.stdout.write = () => true; // the guest's UART output
  try {
    const p = m.prepare({ scenario, user: [], patch: [] }, box);
    if (onRecord !== undefined || keep) {
      // As --trace: the image's names and the regions the builder placed.
      box.target = new m.TraceRecorder({ image: p.image, level: "insn", onRecord });
      box.target.addRegions(p.booted.regions);
    }
    const t = performance.now();
    p.booted.machine.run();
    finish?.();
    return keep ? box.target.records : performance.now() - t;
  } finally {
    process.stdout.write = write;
  }
}

const times = Object.fromEntries(Object.keys(modes).map((k) => [k, []]));
for (let i = 0; i < rounds; i++) for (const [k, make] of Object.entries(modes)) times[k].push(once(make)); // prettier-ignore

// The writers alone, over the same records the recorder made (its strings shared, as in a run).
const records = once(() => ({}), true);
const writers = { "JSON Lines writer": modes["recorder + JSON Lines"], "binary writer": modes["recorder + binary"] }; // prettier-ignore
for (const k of Object.keys(writers)) times[k] = [];
for (let i = 0; i < 3 * rounds; i++)
  for (const [k, make] of Object.entries(writers)) {
    const { onRecord, finish } = make();
    const t = performance.now();
    for (const r of records) onRecord(r);
    finish();
    times[k].push(performance.now() - t);
  }

const min = (k) => Math.min(...times[k]);
console.log(`${scenario}: ${records.length} records`);
for (const k of Object.keys(times))
  console.log(`${k.padEnd(24)} ${min(k).toFixed(0).padStart(5)} ms (of ${times[k].map((t) => t.toFixed(0)).join(", ")})`); // prettier-ignore
