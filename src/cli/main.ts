// The entrylab command line: commander wiring, one file per subcommand under ./commands, and the
// mapping of every way a command can end to the documented exit statuses (./exit.ts).
import { Command, CommanderError } from "commander";
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, ExitError } from "./exit.js";
import { versionText } from "./version.js";
import { registerAs } from "./commands/as.js";
import { registerObjdump } from "./commands/objdump.js";
import { registerCodes } from "./commands/codes.js";
import { registerLink } from "./commands/link.js";
import { registerRun } from "./commands/run.js";
import { registerDemo } from "./commands/demo.js";
import { registerPt } from "./commands/pt.js";
import { registerCc } from "./commands/cc.js";

export function buildProgram(): Command {
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
  registerAs(program);
  registerObjdump(program);
  registerLink(program);
  registerRun(program);
  registerCodes(program);
  registerDemo(program);
  registerPt(program);
  registerCc(program);
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
    const program = buildProgram();
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

const status = await main(process.argv.slice(2));
process.exitCode = status;
