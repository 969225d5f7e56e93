// Bundles the CLI into one ES module (dist/entrylab.mjs) so start-up loads a single file:
// importing chevrotain's package entry alone costs ~230 ms of module resolution.
import { build } from "esbuild";

await build({
  entryPoints: ["src/cli/main.ts"],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  outfile: "dist/entrylab.mjs",
  sourcemap: "linked",
  minifySyntax: true,
  minifyWhitespace: true,
  logLevel: "warning",
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});
