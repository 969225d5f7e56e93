// The machine's configurable CPU feature set and vendor (docs/machine.md "CPUID and features").
// CPUID reports exactly these bits (./cpuid.ts); an instruction or control bit of a feature that is
// off raises what the SDM lists for it (#UD for instructions, #GP(0) for CR4 bits and MSRs, RSVD
// page faults for paging bits). `parseFeatures` reads the `--features` syntax: a comma list of
// names, each optionally prefixed with + (on) or - (off); a list with no prefix at all replaces the
// default set, otherwise it edits it.

export const FEATURE_NAMES = [
  "pcid", "invpcid", "smep", "smap", "fsgsbase", "nx", "gbpages", "pge", "x2apic", "syscall", "rdtscp",
  "rdpid",
] as const; // prettier-ignore
export type FeatureName = (typeof FEATURE_NAMES)[number];
export type Features = Record<FeatureName, boolean>;

export type Vendor = "intel" | "amd";
export const VENDORS: readonly Vendor[] = ["intel", "amd"];

/** The default: a modern Intel core with every modelled feature. */
export function defaultFeatures(): Features {
  const f = {} as Features;
  for (const n of FEATURE_NAMES) f[n] = true;
  return f;
}

function isFeature(name: string): name is FeatureName {
  return (FEATURE_NAMES as readonly string[]).includes(name);
}

/** Parse a `--features` value; returns the feature set or an error message. */
export function parseFeatures(spec: string, base: Features = defaultFeatures()): Features | string {
  const items = spec.split(",").map((s) => s.trim()).filter((s) => s !== ""); // prettier-ignore
  if (items.length === 0) return "empty feature list";
  const relative = items.some((s) => s.startsWith("+") || s.startsWith("-"));
  if (relative && !items.every((s) => s.startsWith("+") || s.startsWith("-")))
    return "mix of +/- and plain names: either edit the default set (+a,-b) or list it (a,b)";
  const out: Features = { ...base };
  if (!relative) for (const n of FEATURE_NAMES) out[n] = false;
  for (const item of items) {
    const name = relative ? item.slice(1) : item;
    if (!isFeature(name)) return `unknown feature '${name}' (known: ${FEATURE_NAMES.join(", ")})`;
    out[name] = !item.startsWith("-");
  }
  return out;
}
