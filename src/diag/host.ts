// The host interface: the only way core modules reach files. The CLI implements it for Node;
// a browser page or a test implements it over an in-memory map.

export interface Host {
  /** The file's text, or undefined if it does not exist or cannot be read. */
  readFile(path: string): string | undefined;
}

/** A host over an in-memory map of path → text, for tests and browsers. */
export function memoryHost(files: Record<string, string>): Host {
  return { readFile: (path) => files[normalizePath(path)] ?? files[path] };
}

/** POSIX-style path helpers, written here so the core needs no `node:path`. */
export function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  if (i < 0) return ".";
  if (i === 0) return "/";
  return path.slice(0, i);
}

export function joinPath(dir: string, name: string): string {
  if (name.startsWith("/")) return normalizePath(name);
  if (dir === "" || dir === ".") return normalizePath(name);
  return normalizePath(`${dir}/${name}`);
}

export function normalizePath(path: string): string {
  const absolute = path.startsWith("/");
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
    else if (part !== ".." || !absolute) out.push(part);
  }
  const joined = out.join("/");
  return absolute ? `/${joined}` : joined || ".";
}
