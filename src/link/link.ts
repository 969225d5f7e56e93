// link: relocatable objects → an ELF64 ET_EXEC image. The passes, in order: check the inputs,
// resolve symbols by name, place sections by the layout, compute symbol values, apply relocations,
// find the entry point, build the image. Every pass reports into the bag and goes on, so one run
// shows every undefined reference; the image is returned only when no pass failed.
import { LINK } from "../diag/codes/link.js";
import type { DiagnosticBag } from "../diag/index.js";
import type { ObjectFile } from "../obj/index.js";
import { LinkContext } from "./context.js";
import { FLAT64_LAYOUT } from "./flat64.js";
import { buildImage } from "./image.js";
import type { LayoutSpec } from "./layout-spec.js";
import { place } from "./place.js";
import { applyRelocations } from "./relocate.js";
import { checkObjects, resolveSymbols } from "./resolve.js";
import { Resolver } from "./symbols.js";

export interface LinkOptions {
  diags: DiagnosticBag;
  /** Layout description; default FLAT64_LAYOUT. */
  layout?: LayoutSpec;
  /** Entry symbol; default the layout's `entry`, else "_start". A missing one is an error. */
  entry?: string;
  /** The image's name (ObjectFile.name); default "a.out", as ld's. */
  output?: string;
}

export const DEFAULT_ENTRY = "_start";
export const DEFAULT_OUTPUT = "a.out";

export function link(objects: ObjectFile[], opts: LinkOptions): ObjectFile | undefined {
  const ctx = new LinkContext(opts.diags, objects);
  checkObjects(ctx);
  if (ctx.failed) return undefined;
  const layout = opts.layout ?? FLAT64_LAYOUT;
  const table = resolveSymbols(ctx);
  const placement = place(ctx, layout);
  if (!placement) return undefined;
  const resolver = new Resolver(ctx, table, placement);
  applyRelocations(ctx, placement, resolver);
  const entry = entryPoint(ctx, resolver, placement, opts.entry ?? layout.entry ?? DEFAULT_ENTRY);
  const image = buildImage(ctx, placement, table, resolver, opts.output ?? DEFAULT_OUTPUT, entry);
  return ctx.failed ? undefined : image;
}

/**
 * The entry symbol's address. ld only warns about a missing entry symbol and starts at the text;
 * entrylab makes it an error: an image that starts at an arbitrary address is never what was meant.
 */
function entryPoint(
  ctx: LinkContext,
  resolver: Resolver,
  placement: { outputs: readonly { name: string; exec: boolean }[] },
  name: string,
): bigint {
  const g = resolver.globals.get(name);
  if (!g) {
    ctx.error(LINK.NO_ENTRY, `entry symbol '${name}' is not defined (is it declared .globl?)`);
    return 0n;
  }
  const section = g.resolved.section;
  if (section === "abs" || !placement.outputs[section]!.exec) {
    const where =
      section === "abs"
        ? "an absolute symbol"
        : `in ${placement.outputs[section]!.name}, which is not executable`;
    ctx.warning(LINK.ENTRY_NOT_EXEC, `entry symbol '${name}' is ${where}`);
  }
  return g.resolved.value;
}
