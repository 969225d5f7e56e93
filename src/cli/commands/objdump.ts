// `entrylab objdump`: an object's or image's headers, sections, symbols, relocations, and the
// disassembly interleaved with the source lines the line table points at.
import type { Command } from "commander";
import { DiagnosticBag, SourceManager } from "../../diag/index.js";
import { dumpObject, readObject } from "../../obj/index.js";
import { disassembleObject } from "../../trace/index.js";
import { cannotRead, nodeHost, readBytes } from "../node-host.js";
import { finish, ioError } from "../report.js";

interface ObjdumpOptions {
  disassemble: boolean;
  headers: boolean;
  source: boolean;
}

export function registerObjdump(program: Command): void {
  program
    .command("objdump")
    .description("show an object or image: headers, sections, symbols, relocations, disassembly")
    .argument("<file>", "entrylab object (.o) or image")
    .option("--no-disassemble", "omit the disassembly")
    .option("--no-headers", "omit headers, sections, symbols and relocations")
    .option("--no-source", "do not interleave source lines")
    .action((file: string, opts: ObjdumpOptions) => runObjdump(file, opts));
}

function runObjdump(file: string, opts: ObjdumpOptions): void {
  const bytes = readBytes(file);
  if (!bytes) ioError("E0002", cannotRead(file));
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const obj = readObject(bytes, file, diags);
  finish(diags, sources);
  if (!obj) return;
  let text = "";
  if (opts.headers) text += dumpObject(obj);
  if (opts.disassemble) {
    const readSource = opts.source ? (f: string) => nodeHost.readFile(f) : undefined;
    text += disassembleObject(obj, { readSource });
  }
  process.stdout.write(text);
}
