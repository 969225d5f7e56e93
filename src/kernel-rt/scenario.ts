// Scenarios: named, declarative runs of the model kernel (programs/scenarios/*.json) — which
// tree, which patch series, which boot configuration, machine options, user tasks and trace
// level — so the demo, the tests and a reviewer run exactly the same thing. This module parses
// and validates the JSON (texts in, a Scenario or diagnostics out); the CLI reads the files and
// turns the machine options into MachineOptions with the same parser as its flags.
//
//   {
//     "description": "patch 1: the CR3 switch in C, ten getpid calls",
//     "tree": "baseline",
//     "patches": ["programs/patches/0001-....patch"],
//     "config": { "pti": true, "pcid": true, "tick": 100000 },
//     "machine": { "cpus": 1, "mem": "64M", "tlb": "strict" },
//     "users": ["getpid"],
//     "trace": { "level": "insn" }
//   }
import type { DiagnosticBag, Loc, SourceManager } from "../diag/index.js";
import { KERNEL } from "../diag/codes/kernel.js";

/** The source trees a scenario can name: only the repository's own for now. */
export const SCENARIO_TREES = ["baseline"] as const;
/** The longest tick a scenario may ask for: the APIC timer's initial count is 32 bits. */
export const MAX_TICK = 0xffffffff;
export const SCENARIO_TRACE_LEVELS = ["system", "paging", "insn"] as const;
/** Machine options, as `kernel run` spells its flags (values: number or string). */
export const SCENARIO_MACHINE_KEYS = ["cpus", "mem", "quantum", "tlb", "vendor", "features", "maxInsns"] as const; // prettier-ignore

export type ScenarioMachineKey = (typeof SCENARIO_MACHINE_KEYS)[number];

export interface Scenario {
  name: string;
  description: string;
  tree: (typeof SCENARIO_TREES)[number];
  /** Patch files, relative to the tree's root, applied in order. */
  patches: string[];
  /**
   * Boot configuration: PTI, PCIDs, the timer's period in instructions (0 = none), and whether
   * the NMI handler takes a #BP (KernelConfig.nmiInt3).
   */
  config: { pti: boolean; pcid: boolean; tick?: number; nmiInt3?: boolean };
  /** Machine options as flag strings (the CLI parses them as it parses its own flags). */
  machine: Partial<Record<ScenarioMachineKey, string>>;
  users: string[];
  trace: { level: (typeof SCENARIO_TRACE_LEVELS)[number] };
}

const TOP_KEYS = ["description", "tree", "patches", "config", "machine", "users", "trace"];

interface Ctx {
  diags: DiagnosticBag;
  file: number;
  text: string;
  ok: boolean;
}

/** Where a key first appears in the text (good enough for a hand-written file), else the file. */
function keyLoc(c: Ctx, key: string): Loc {
  const at = c.text.indexOf(`"${key}"`);
  return at < 0 ? { file: c.file, start: 0, end: 0 } : { file: c.file, start: at, end: at + key.length + 2 }; // prettier-ignore
}

function fail(c: Ctx, key: string, message: string): void {
  c.ok = false;
  c.diags.error(KERNEL.BAD_SCENARIO_FIELD, keyLoc(c, key), message);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v); // prettier-ignore

function stringList(c: Ctx, obj: Record<string, unknown>, key: string): string[] {
  const v = obj[key];
  if (v === undefined) return [];
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  fail(c, key, `'${key}' must be an array of strings`);
  return [];
}

function unknownKeys(
  c: Ctx,
  obj: Record<string, unknown>,
  allowed: readonly string[],
  where: string,
): void {
  // prettier-ignore
  for (const k of Object.keys(obj))
    if (!allowed.includes(k)) fail(c, k, `unknown field '${k}' in ${where} (known: ${allowed.join(", ")})`); // prettier-ignore
}

function parseConfig(c: Ctx, v: unknown): Scenario["config"] {
  const config: Scenario["config"] = { pti: true, pcid: true };
  if (v === undefined) return config;
  if (!isObject(v)) return fail(c, "config", "'config' must be an object like { \"pti\": true, \"pcid\": true }"), config; // prettier-ignore
  unknownKeys(c, v, ["pti", "pcid", "tick", "nmiInt3"], "'config'");
  for (const k of ["pti", "pcid", "nmiInt3"] as const) {
    if (v[k] === undefined) continue;
    if (typeof v[k] === "boolean") config[k] = v[k];
    else fail(c, k, `'config.${k}' must be true or false`);
  }
  const tick = v.tick;
  if (tick === undefined) return config;
  if (typeof tick === "number" && Number.isInteger(tick) && tick >= 0 && tick <= MAX_TICK) config.tick = tick; // prettier-ignore
  else fail(c, "tick", `'config.tick' must be an integer from 0 (no timer) to ${MAX_TICK}: instructions per tick`); // prettier-ignore
  return config;
}

function parseMachine(c: Ctx, v: unknown): Scenario["machine"] {
  const machine: Scenario["machine"] = {};
  if (v === undefined) return machine;
  if (!isObject(v)) return (fail(c, "machine", "'machine' must be an object"), machine);
  unknownKeys(c, v, SCENARIO_MACHINE_KEYS, "'machine'");
  for (const k of SCENARIO_MACHINE_KEYS) {
    const x = v[k];
    if (x === undefined) continue;
    if (typeof x === "string" || (typeof x === "number" && Number.isInteger(x) && x >= 0))
      machine[k] = String(x); // prettier-ignore
    else fail(c, k, `'machine.${k}' must be a string or a non-negative integer`);
  }
  return machine;
}

function parseTrace(c: Ctx, v: unknown): Scenario["trace"] {
  const trace: Scenario["trace"] = { level: "system" };
  if (v === undefined) return trace;
  if (!isObject(v)) return fail(c, "trace", "'trace' must be an object like { \"level\": \"insn\" }"), trace; // prettier-ignore
  unknownKeys(c, v, ["level"], "'trace'");
  const level = v.level;
  if (level === undefined) return trace;
  if (typeof level === "string" && (SCENARIO_TRACE_LEVELS as readonly string[]).includes(level))
    trace.level = level as Scenario["trace"]["level"]; // prettier-ignore
  else fail(c, "level", `'trace.level' must be one of ${SCENARIO_TRACE_LEVELS.join(", ")}`);
  return trace;
}

/** The JSON parser's "position N" as a location, when it gives one. */
function syntaxLoc(file: number, message: string): Loc {
  const m = /position (\d+)/.exec(message);
  const at = m ? Number(m[1]) : 0;
  return { file, start: at, end: at + 1 };
}

/** Parse and validate a scenario file; undefined with diagnostics when it is not valid. */
export function parseScenario(
  name: string,
  text: string,
  opts: { sources: SourceManager; diags: DiagnosticBag },
): Scenario | undefined {
  const file = opts.sources.add(name, text).id;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    opts.diags.error(KERNEL.BAD_SCENARIO_JSON, syntaxLoc(file, message), `not valid JSON: ${message}`); // prettier-ignore
    return undefined;
  }
  const c: Ctx = { diags: opts.diags, file, text, ok: true };
  if (!isObject(json)) {
    fail(c, "", "a scenario is a JSON object");
    return undefined;
  }
  unknownKeys(c, json, TOP_KEYS, "the scenario");
  const tree = json.tree ?? "baseline";
  if (typeof tree !== "string" || !(SCENARIO_TREES as readonly string[]).includes(tree)) fail(c, "tree", `'tree' must be one of ${SCENARIO_TREES.join(", ")}`); // prettier-ignore
  const description = json.description ?? "";
  if (typeof description !== "string") fail(c, "description", "'description' must be a string");
  const scenario: Scenario = {
    name: name.replace(/^.*\//, "").replace(/\.json$/, ""),
    description: String(description),
    tree: "baseline",
    patches: stringList(c, json, "patches"),
    config: parseConfig(c, json.config),
    machine: parseMachine(c, json.machine),
    users: stringList(c, json, "users"),
    trace: parseTrace(c, json.trace),
  };
  return c.ok ? scenario : undefined;
}
