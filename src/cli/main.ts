// The entrylab command line: commander wiring, one file per subcommand under ./commands, and the
// mapping of every way a command can end to the documented exit statuses (./exit.ts).
//
// Start-up: a command's module (and the assembler, VM... it imports) is loaded only when the
// command line names that command, so `--version` or `codes` never builds the ISA tables or the
// Chevrotain lexer. Help and anything unrecognised load them all. bin/entrylab.js calls `main`.
import { Command, CommanderError } from "commander";
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, ExitError } from "./exit.js";
import { versionText } from "./version.js";

type Register = (program: Command) => void;

/** Every command module, in help order, with the command names it registers. */
export const COMMAND_MODULES: readonly { names: readonly string[]; load: () => Promise<Register> }[] = [
  { names: ["as"], load: async () => (await import("./commands/as.js")).registerAs },
  { names: ["objdump"], load: async () => (await import("./commands/objdump.js")).registerObjdump },
  { names: ["link"], load: async () => (await import("./commands/link.js")).registerLink },
  { names: ["run"], load: async () => (await import("./commands/run.js")).registerRun },
  { names: ["codes"], load: async () => (await import("./commands/codes.js")).registerCodes },
  { names: ["demo"], load: async () => (await import("./commands/demo.js")).registerDemo },
  { names: ["pt"], load: async () => (await import("./commands/pt.js")).registerPt },
  { names: ["debug"], load: async () => (await import("./commands/debug.js")).registerDebug },
  { names: ["cc", "asm-offsets"], load: async () => (await import("./commands/cc.js")).registerCc },
  { names: ["trace"], load: async () => (await import("./commands/trace.js")).registerTrace },
  { names: ["kernel"], load: async () => (await import("./commands/kernel.js")).registerKernel },
]; // prettier-ignore

/** The modules `argv` needs: none for `--version`, the named command's, else (help...) all. */
function modulesFor(argv: readonly string[]): readonly (typeof COMMAND_MODULES)[number][] {
  const first = argv[0];
  if (argv.length === 1 && (first === "-V" || first === "--version")) return [];
  const named = COMMAND_MODULES.find((m) => first !== undefined && m.names.includes(first));
  return named ? [named] : COMMAND_MODULES;
}

/** The program with the commands `argv` can reach (all of them when `argv` is omitted). */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const program = new Command("entrylab")
    .description(
      "Assemble, compile, link and run kernel entry code on a faithful x86-64 machine model.",
    )
    .version(versionText(), "-V, --version", "print the version and exit")
    .helpOption("-h, --help", "show help")
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      outputError: (s, write) => write(`entrylab: error[E0001]: ${s.replace(/^error: /, "")}`),
    });
  const modules = argv === undefined ? COMMAND_MODULES : modulesFor(argv);
  for (const register of await Promise.all(modules.map((m) => m.load()))) register(program);
  for (const sub of program.commands) sub.exitOverride().helpOption("-h, --help", "show help");
  return program;
}

/** `help NAME` for a command that does not exist (commander would show the main help, status 0). */
function unknownHelpTopic(program: Command, argv: string[]): string | undefined {
  if (argv[0] !== "help" || argv[1] === undefined || argv[1].startsWith("-")) return undefined;
  const known = program.commands.some(
    (c) => c.name() === argv[1] || c.aliases().includes(argv[1]!),
  );
  return known ? undefined : argv[1];
}

export async function main(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
    const topic = unknownHelpTopic(program, argv);
    if (topic !== undefined) {
      process.stderr.write(`entrylab: error[E0001]: unknown command '${topic}'\n`);
      return EXIT_USAGE;
    }
    await program.parseAsync(argv, { from: "user" });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof ExitError) return e.status;
    if (e instanceof CommanderError) {
      const quiet = ["commander.helpDisplayed", "commander.version", "commander.help"];
      return quiet.includes(e.code) ? EXIT_OK : EXIT_USAGE;
    }
    const detail = process.env.ENTRYLAB_DEBUG ? `\n${(e as Error).stack}` : "";
    process.stderr.write(
      `entrylab: error[E0005]: internal error: ${(e as Error).message}${detail}\n` +
        "note: this is a bug in entrylab; set ENTRYLAB_DEBUG=1 for the stack trace\n",
    );
    return EXIT_INTERNAL;
  }
}
