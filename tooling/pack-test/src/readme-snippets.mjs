/** The fenced code blocks of a Markdown file, with the heading of the section each one is in. */
export function codeBlocks(markdown) {
  const blocks = [];
  let heading = "";
  let open = null;
  for (const line of markdown.split("\n")) {
    if (open) {
      if (line.startsWith("```")) {
        blocks.push({ heading, lang: open.lang, code: open.lines.join("\n") + "\n" });
        open = null;
      } else open.lines.push(line);
    } else if (line.startsWith("```")) open = { lang: line.slice(3).trim(), lines: [] };
    else if (/^#{1,6} /.test(line)) heading = line.replace(/^#+ /, "");
  }
  return blocks;
}

/** The one block of `lang` under `heading`; throws naming the heading when there is not exactly one. */
export function snippet(markdown, heading, lang) {
  const found = codeBlocks(markdown).filter((b) => b.heading === heading && b.lang === lang);
  if (found.length !== 1) throw new Error(`README: expected one \`\`\`${lang} block under "## ${heading}", found ${found.length}`);
  return found[0].code;
}

/** The commands of a shell block: `\`-continued lines joined, comments and blank lines dropped. */
export function shellCommands(code) {
  return code
    .replace(/\\\n\s*/g, "")
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line && !line.startsWith("#"));
}
