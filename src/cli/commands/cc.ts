// `entrylab cc`: compile a handler-C file to assembly (-S), to an object (-c) or print it
// preprocessed (-E); `entrylab asm-offsets`: generate an asm-offsets.h from DEFINE() entries.
import type { Command } from "commander";
import { DiagnosticBag, SourceManager } from "../../diag/index.js";
import { assembleText } from "../../asm/index.js";
import { asmOffsetsText, compile } from "../../cc/index.js";
import { writeObject } from "../../obj/index.js";
import { nodeHost, writeOutput } from "../node-host.js";
import { finish, ioError, usageError } from "../report.js";
import { collect, parseDefine } from "../options.js";

interface CcOptions {
  include: string[];
  define: string[];
  undefine: string[];
  output?: string;
  S?: boolean;
  c?: boolean;
  E?: boolean;
}

function cppFlags(program: Command): Command {
  return program
    .option("-I, --include <dir>", "add a directory to the include search path", collect, [])
    .option("-D, --define <name[=value]>", "define a preprocessor macro", collect, [])
    .option("-U, --undefine <name>", "undefine a preprocessor macro", collect, [])
    .option("-o, --output <file>", "output file");
}

export function registerCc(program: Command): void {
  cppFlags(
    program
      .command("cc")
      .description("compile a handler-C file: -S assembly, -c object (the default), -E preprocess")
      .argument("<file>", "a .c source file"),
  )
    .option("-S", "write AT&T assembly (default output: the name with .s)")
    .option("-c", "write an object file (default output: the name with .o)")
    .option("-E", "print the preprocessed source to stdout")
    .action((file: string, opts: CcOptions) => runCc(file, opts));
  cppFlags(
    program
      .command("asm-offsets")
      .description(
        "generate #defines of structure offsets and sizes from DEFINE(sym, value) entries",
      )
      .argument("<file>", "an asm-offsets.c file"),
  ).action((file: string, opts: CcOptions) => runAsmOffsets(file, opts));
}

function compileOptions(opts: CcOptions, sources: SourceManager, diags: DiagnosticBag) {
  const defines = [...opts.define.map(parseDefine), ...opts.undefine.map((name) => ({ undef: name }))]; // prettier-ignore
  return { host: nodeHost, sources, diags, includePaths: opts.include, defines };
}

function runCc(file: string, opts: CcOptions): void {
  if ([opts.S, opts.c, opts.E].filter(Boolean).length > 1)
    usageError("give only one of -S, -c, -E");
  if (nodeHost.readFile(file) === undefined) ioError("E0002", `cannot read '${file}'`);
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const copts = compileOptions(opts, sources, diags);
  const r = compile(file, { ...copts, preprocessOnly: !!opts.E });
  if (opts.E) {
    finish(diags, sources);
    if (r.preprocessed !== undefined) process.stdout.write(r.preprocessed);
    return;
  }
  if (r.asm === undefined) return finish(diags, sources);
  const base = file.replace(/\.c$/, "");
  if (opts.S) {
    finish(diags, sources);
    const error = writeOutput(opts.output ?? `${base}.s`, r.asm);
    if (error) ioError("E0003", error);
    return;
  }
  const obj = assembleText(`${base}.s`, r.asm, copts);
  finish(diags, sources);
  const error = writeOutput(opts.output ?? `${base}.o`, writeObject(obj.object!));
  if (error) ioError("E0003", error);
}

function runAsmOffsets(file: string, opts: CcOptions): void {
  const text = nodeHost.readFile(file);
  if (text === undefined) ioError("E0002", `cannot read '${file}'`);
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const r = asmOffsetsText(file, text, compileOptions(opts, sources, diags));
  finish(diags, sources);
  if (opts.output === undefined) {
    process.stdout.write(r.header!);
    return;
  }
  const error = writeOutput(opts.output, r.header!);
  if (error) ioError("E0003", error);
}
