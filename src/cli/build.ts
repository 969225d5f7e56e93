// Turning the files a user names into a linked image: .S/.s are assembled, .o objects are read,
// and everything is linked with the flat64 layout — or a single image is read as it is.
import { DiagnosticBag, SourceManager } from "../diag/index.js";
import { assemble, assembleText } from "../asm/index.js";
import { compile } from "../cc/index.js";
import { buildCrt } from "../kernel-rt/crt/index.js";
import { link } from "../link/index.js";
import { readObject, type ObjectFile } from "../obj/index.js";
import { cannotRead, nodeHost, readBytes } from "./node-host.js";
import { finish, inputTypeError, ioError, usageError } from "./report.js";

export interface BuildOptions {
  include: string[];
  defines: Array<{ name: string; value?: string } | { undef: string }>;
  entry?: string;
}

const SOURCE = /\.[sS]$/;

/** Assemble or read each input; returns the objects (exits with status 1 on errors). */
export function loadObjects(files: string[], opts: BuildOptions): ObjectFile[] {
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const objects: ObjectFile[] = [];
  for (const file of files) {
    if (file.endsWith(".c")) {
      // A .c input is compiled and assembled; the C runtime is linked in (below) once.
      if (nodeHost.readFile(file) === undefined) ioError("E0002", cannotRead(file));
      const copts = { host: nodeHost, sources, diags, includePaths: opts.include, defines: opts.defines }; // prettier-ignore
      const asm = compile(file, copts).asm;
      const r = asm === undefined ? {} : assembleText(file.replace(/\.c$/, ".s"), asm, copts);
      if (r.object) objects.push(r.object);
      continue;
    }
    if (SOURCE.test(file)) {
      if (nodeHost.readFile(file) === undefined) ioError("E0002", cannotRead(file));
      const r = assemble(file, {
        host: nodeHost,
        sources,
        diags,
        includePaths: opts.include,
        defines: opts.defines,
      });
      if (r.object) objects.push(r.object);
      continue;
    }
    const bytes = readBytes(file);
    if (!bytes) ioError("E0002", cannotRead(file));
    const obj = readObject(bytes, file, diags);
    if (obj) objects.push(obj);
  }
  if (files.some((f) => f.endsWith(".c"))) objects.push(...buildCrt(sources, diags));
  finish(diags, sources);
  return objects;
}

/** The image to run: one ET_EXEC file as it is, or everything linked for flat64. */
export function buildImage(files: string[], opts: BuildOptions): ObjectFile {
  if (files.length === 0) usageError("no input files");
  const objects = loadObjects(files, opts);
  if (objects.length === 1 && objects[0]!.kind === "exec") return objects[0]!;
  const image = objects.find((o) => o.kind === "exec");
  if (image) {
    inputTypeError(
      `'${image.name}' is a linked image (ET_EXEC) and cannot be linked with other files; run it alone`,
    );
  }
  return linkObjects(objects, opts.entry);
}

export function linkObjects(objects: ObjectFile[], entry?: string): ObjectFile {
  const diags = new DiagnosticBag();
  const sources = new SourceManager();
  const image = link(objects, { diags, entry });
  finish(diags, sources);
  return image!;
}
