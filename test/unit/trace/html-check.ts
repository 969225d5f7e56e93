// A small well-formedness checker for the report's HTML, strict about what the report writes
// (it is not an HTML5 parser): every tag closed in order, void elements never closed, `/>` only
// inside <svg>, attribute values double-quoted with no `<`, `>` or `"` inside, no bare `<` or `>`
// in text, `&` only as an entity, ids unique, every `href="#x"` naming an id of the page. The
// page's <style> body is skipped (CSS may hold `>`). Returns the problems; [] when well formed.
// A hand-written checker rather than a parser dependency: parse5 and htmlparser2 both recover
// from errors silently by default (what browsers do), which is the opposite of what a test wants.

const VOID = new Set(["meta", "br", "hr", "col", "wbr"]);
const TOKEN = /<!--[\s\S]*?-->|<!DOCTYPE html>|<\/([a-zA-Z][\w-]*)>|<([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"<>]*")*)\s*(\/?)>|[<>]|&(?!(?:amp|lt|gt|quot|#\d+);)/g; // prettier-ignore
const ATTR = /([\w:-]+)="([^"<>]*)"/g;

export interface HtmlCheck {
  problems: string[];
  /** Elements opened, by tag name. */
  counts: Map<string, number>;
  ids: Set<string>;
}

export function checkHtml(html: string): HtmlCheck {
  const problems: string[] = [];
  const counts = new Map<string, number>();
  const ids = new Set<string>();
  const hrefs: string[] = [];
  const stack: string[] = [];
  const where = (at: number): string => `at ${at} (${JSON.stringify(html.slice(Math.max(0, at - 30), at + 30))})`; // prettier-ignore
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(html); m; m = TOKEN.exec(html)) {
    const [tok, close, open, attrs, selfClose] = m;
    if (tok.startsWith("<!")) continue;
    if (close !== undefined) {
      const top = stack.pop();
      if (top !== close)
        problems.push(`</${close}> closes <${top ?? "nothing"}> ${where(m.index)}`);
      continue;
    }
    if (open === undefined) {
      problems.push(`bare ${JSON.stringify(tok)} ${where(m.index)}`);
      continue;
    }
    counts.set(open, (counts.get(open) ?? 0) + 1);
    for (const [, name, value] of (attrs ?? "").matchAll(ATTR)) {
      if (/&(?!(?:amp|lt|gt|quot|#\d+);)/.test(value!))
        problems.push(`bare & in ${name}= ${where(m.index)}`);
      if (name === "id") {
        if (ids.has(value!)) problems.push(`duplicate id ${value} ${where(m.index)}`);
        ids.add(value!);
      }
      if (name === "href" && value!.startsWith("#")) hrefs.push(value!.slice(1));
    }
    if (VOID.has(open)) {
      if (selfClose) problems.push(`<${open}/> ${where(m.index)}`);
      continue;
    }
    if (selfClose) {
      if (!stack.includes("svg")) problems.push(`<${open}/> outside <svg> ${where(m.index)}`);
      continue;
    }
    if (open === "style") {
      const end = html.indexOf("</style>", TOKEN.lastIndex);
      if (end < 0) problems.push(`<style> never closed ${where(m.index)}`);
      TOKEN.lastIndex = end < 0 ? html.length : end + "</style>".length;
      continue;
    }
    stack.push(open);
  }
  if (stack.length > 0) problems.push(`never closed: ${stack.join(" > ")}`);
  for (const h of hrefs) if (!ids.has(h)) problems.push(`href="#${h}" names no id`);
  return { problems, counts, ids };
}
