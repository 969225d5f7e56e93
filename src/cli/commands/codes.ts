// `entrylab codes`: the table of diagnostic codes, or the title of one code.
import type { Command } from "commander";
import { CODES } from "../../diag/index.js";
import { usageError } from "../report.js";

export function registerCodes(program: Command): void {
  program
    .command("codes")
    .description("list the diagnostic codes with their titles")
    .argument("[code]", "show only this code, e.g. E3012")
    .action((code?: string) => {
      if (code !== undefined) {
        const title = CODES[code.toUpperCase()];
        if (!title) usageError(`no diagnostic code '${code}'`);
        process.stdout.write(`${code.toUpperCase()}  ${title}\n`);
        return;
      }
      const rows = Object.keys(CODES).sort();
      process.stdout.write(rows.map((c) => `${c}  ${CODES[c]}\n`).join(""));
    });
}
