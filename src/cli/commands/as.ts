// `entrylab as`: preprocess and assemble one .S/.s file into an ELF64 object, or print the
// preprocessed source (-E) or a listing (-a).
import type { Command } from "commander";
import { DiagnosticBag, SourceManager } from "../../diag/index.js";
import { assemble } from "../../asm/index.js";
import { writeObject } from "../../obj/index.js";
import { cannotRead, nodeHost, writeOutput } from "../node-host.js";
import { finish, ioError } from "../report.js";
import { formatPreprocessed, preprocess } from "../../cpp/index.js";
import { parseDefine, collect } from "../options.js";

interface AsOptions {
  include: string[];
  define: string[];
  undefine: string[];
  output?: string;
  E?: boolean;
  a?: boolean;
}

export function registerAs(program: Command): void {
  program
    .command("as")
    .description("assemble a .S (with cpp) or .s file into an entrylab ELF64 object")
    .argument("<file>", "source file (.S is preprocessed, .s is not)")
    .option("-I, --include <dir>", "add a directory to the include search path", collect, [])
    .option("-D, --define <name[=value]>", "define a preprocessor macro", collect, [])
    .option("-U, --undefine <name>", "undefine a preprocessor macro", collect, [])
    .option("-o, --output <file>", "output object (default: the source name with .o)")
    .option("-E", "print the preprocessed source to stdout instead of assembling")
    .option("-a", "print a listing (address, bytes, source) to stdout")
    .action((file: string, opts: AsOptions) => runAs(file, opts));
}

function runAs(file: string, opts: AsOptions): void {
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  if (nodeHost.readFile(file) === undefined) ioError("E0002", cannotRead(file));
  const defines = [
    ...opts.define.map(parseDefine),
    ...opts.undefine.map((name) => ({ undef: name })),
  ];
  if (opts.E) {
    const text = nodeHost.readFile(file)!;
    const cppOpts = { mode: "asm" as const, includePaths: opts.include, defines, host: nodeHost };
    const result = preprocess(sources.add(file, text), { ...cppOpts, sources, diags });
    if (!diags.hasErrors) process.stdout.write(formatPreprocessed(result, sources));
    finish(diags, sources);
    return;
  }
  const result = assemble(file, {
    host: nodeHost,
    sources,
    diags,
    includePaths: opts.include,
    defines,
    listing: !!opts.a,
  });
  finish(diags, sources);
  if (!result.object) return;
  if (opts.a && result.listing !== undefined) process.stdout.write(result.listing);
  const output = opts.output ?? file.replace(/\.[sS]$/, "") + ".o";
  const error = writeOutput(output, writeObject(result.object));
  if (error) ioError("E0003", error);
}
