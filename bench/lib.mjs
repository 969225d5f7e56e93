// What the bench scripts share: bundling the TypeScript they measure with esbuild (no build step
// needed) and the `[cases] [first-seed]` arguments of the long fuzz runs.
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * Bundle TypeScript and import it: `source` is module text whose imports are relative to the
 * repository's root, `file` an entry file relative to it. The bundle is written to
 * dist/bench-NAME.mjs, one level below the root as the CLI's own bundle (code that finds
 * programs/ from its own path works the same), and removed once imported. `external` keeps
 * node_modules packages out of the bundle.
 */
export async function importBundle(name, { source, file, external = false }) {
  const outfile = join(ROOT, "dist", `bench-${name}.mjs`);
  await build({
    ...(source !== undefined
      ? { stdin: { contents: source, resolveDir: ROOT, loader: "ts" } }
      : { entryPoints: [join(ROOT, file)] }),
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    ...(external ? { packages: "external" } : {}),
    // Bundled CommonJS dependencies call require(), which an ES module lacks.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" }, // prettier-ignore
    outfile,
    logLevel: "warning",
  });
  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(outfile, { force: true });
  }
}

/** `[cases] [first-seed]` from the command line, or the usage line and exit status 2. */
export function caseArgs(script, defaultCases) {
  const [casesArg, seedArg] = process.argv.slice(2);
  const cases = casesArg === undefined ? defaultCases : Number(casesArg);
  const firstSeed = seedArg === undefined ? 1 : Number(seedArg);
  if (!Number.isInteger(cases) || cases <= 0 || !Number.isInteger(firstSeed)) {
    console.error(`usage: node ${script} [cases (default ${defaultCases})] [first-seed (default 1)]`); // prettier-ignore
    process.exit(2);
  }
  return { cases, firstSeed };
}
