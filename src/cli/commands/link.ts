// `entrylab link`: objects (or sources, assembled on the way) → an ELF64 image for flat64.
import type { Command } from "commander";
import { writeObject } from "../../obj/index.js";
import { linkObjects, loadObjects } from "../build.js";
import { collect, parseDefine } from "../options.js";
import { writeOutput } from "../node-host.js";
import { inputTypeError, ioError } from "../report.js";

interface LinkCliOptions {
  output: string;
  entry?: string;
  include: string[];
  define: string[];
}

export function registerLink(program: Command): void {
  program
    .command("link")
    .description("link objects into an ELF64 image (flat64 layout: linked from 1 MiB)")
    .argument("<files...>", "objects (.o); .S/.s sources are assembled first")
    .option("-o, --output <file>", "output image", "a.out")
    .option("-e, --entry <symbol>", "entry point symbol (default _start)")
    .option("-I, --include <dir>", "include directory for sources", collect, [])
    .option("-D, --define <name[=value]>", "preprocessor macro for sources", collect, [])
    .action((files: string[], opts: LinkCliOptions) => {
      const objects = loadObjects(files, {
        include: opts.include,
        defines: opts.define.map(parseDefine),
      });
      const given = objects.find((o) => o.kind === "exec");
      if (given) {
        inputTypeError(
          `'${given.name}' is a linked image (ET_EXEC), not an object; link takes objects (.o) and sources`,
        );
      }
      const image = linkObjects(objects, opts.entry);
      const error = writeOutput(opts.output, writeObject(image));
      if (error) ioError("E0003", error);
    });
}
