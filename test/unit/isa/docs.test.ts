// docs/isa.md embeds the table generated from FORMS; keep them equal (UPDATE_GOLDEN=1 rewrites).
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { FORMS, isaTableMarkdown } from "../../../src/isa/index.js";

const DOC = fileURLToPath(new URL("../../../docs/isa.md", import.meta.url));
const BEGIN = "<!-- BEGIN FORMS -->\n";
const END = "<!-- END FORMS -->";

it("docs/isa.md lists every form as generated from the table", () => {
  const doc = readFileSync(DOC, "utf8");
  const start = doc.indexOf(BEGIN) + BEGIN.length;
  const end = doc.indexOf(END);
  expect(start).toBeGreaterThan(BEGIN.length - 1);
  const generated = isaTableMarkdown();
  if (process.env.UPDATE_GOLDEN)
    writeFileSync(DOC, doc.slice(0, start) + generated + doc.slice(end));
  const section = readFileSync(DOC, "utf8").slice(start, readFileSync(DOC, "utf8").indexOf(END));
  expect(section).toBe(generated);
  for (const f of FORMS) expect(section).toContain(`\`${f.name}\``);
});
