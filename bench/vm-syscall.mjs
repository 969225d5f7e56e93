// The syscall round-trip microbenchmark: bench/syscall.S (SYSCALL, SWAPGS, two MOV CR3, SWAPGS,
// SYSRETQ per round trip) assembled and linked by entrylab and run on the VM; prints round trips
// per second (wall and process CPU), without and with PCIDs (no-flush CR3 writes).
// Usage: node bench/vm-syscall.mjs [ITERS] [REPEATS]
import { ROOT, importBundle } from "./lib.mjs";

const iters = Number(process.argv[2] ?? 200_000);
const repeats = Number(process.argv[3] ?? 3);
const { make } = await importBundle("vm-syscall", {
  source: `
      import { readFileSync } from "node:fs";
      import { assembleText } from "./src/asm/index.ts";
      import { DiagnosticBag, SourceManager } from "./src/diag/index.ts";
      import { link } from "./src/link/index.ts";
      import { createMachine } from "./src/vm/index.ts";
      const host = { readFile: (p) => { try { return readFileSync(p, "latin1"); } catch { return undefined; } } };
      export function make(iters, pcid) {
        const path = "bench/syscall.S";
        const diags = new DiagnosticBag();
        const defines = [{ name: "ITERS", value: String(iters) }, ...(pcid ? [{ name: "PCID" }] : [])];
        const r = assembleText(path, readFileSync(path, "latin1"), { host, sources: new SourceManager(), diags, includePaths: ["test/system/"], defines });
        const image = r.object && link([r.object], { diags });
        if (!image || diags.hasErrors) throw new Error(diags.items.map((d) => d.message).join("\\n"));
        const m = createMachine({ maxInsns: 1e12 });
        m.loadFlat64(image);
        return m;
      }`,
});
process.chdir(ROOT);

for (const pcid of [false, true]) {
  let best = 0;
  let bestCpu = 0;
  for (let k = 0; k < repeats; k++) {
    const mc = make(iters, pcid);
    const t0 = performance.now();
    const u0 = process.cpuUsage();
    const res = mc.run();
    const secs = (performance.now() - t0) / 1000;
    const u1 = process.cpuUsage(u0);
    const cpuSecs = (u1.user + u1.system) / 1e6;
    if (res.reason !== "exit") throw new Error(`run ended: ${res.reason}`);
    const t = mc.cpu.tlb;
    best = Math.max(best, iters / secs);
    bestCpu = Math.max(bestCpu, iters / cpuSecs);
    console.log(
      `${pcid ? "pcid   " : "no pcid"} run ${k + 1}: ${iters} round trips, ${res.insns} instructions in ` +
        `${secs.toFixed(2)} s: ${(iters / secs / 1e3).toFixed(0)} k round trips/s ` +
        `(CPU ${(iters / cpuSecs / 1e3).toFixed(0)} k/s); TLB misses ${t.misses}, cr3 flushes ${t.flushes.cr3}`,
    );
  }
  console.log(
    `best ${pcid ? "with PCID" : "without PCID"}: ${(best / 1e3).toFixed(0)} k round trips/s wall, ` +
      `${(bestCpu / 1e3).toFixed(0)} k/s CPU`,
  );
}
