import "server-only";
// Runbooks are Markdown files in docs/runbooks/<slug>.md, reviewed with the rules. Only these repo
// files are rendered (the slug is validated and resolved inside that folder), so their HTML is
// trusted content; raw HTML in them is still escaped to keep a careless paste harmless.
import fs from "node:fs";
import path from "node:path";
import { Marked } from "marked";
import { allRules, runbookPath } from "./registry";

const SLUG = /^[a-z0-9][a-z0-9-]*$/;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const marked = new Marked({ gfm: true, renderer: { html: ({ text }) => escapeHtml(text) } });

export function runbookDir(): string {
  return path.dirname(runbookPath("x"));
}

export function listRunbooks(): { slug: string; title: string; rules: string[] }[] {
  const rules = allRules();
  let files: string[] = [];
  try {
    files = fs.readdirSync(runbookDir()).filter((f) => f.endsWith(".md"));
  } catch {
    files = [];
  }
  return files
    .map((f) => {
      const slug = f.slice(0, -3);
      const text = fs.readFileSync(path.join(runbookDir(), f), "utf8");
      return { slug, title: /^#\s+(.+)$/m.exec(text)?.[1]?.trim() ?? slug, rules: rules.filter((r) => r.runbook === slug).map((r) => r.name) };
    })
    .filter((r) => SLUG.test(r.slug))
    .sort((a, b) => a.title.localeCompare(b.title));
}

export function readRunbook(slug: string): { slug: string; title: string; html: string; rules: string[] } | null {
  if (!SLUG.test(slug)) return null;
  const file = runbookPath(slug);
  if (!fs.existsSync(file)) return null;
  const text = fs.readFileSync(file, "utf8");
  return {
    slug,
    title: /^#\s+(.+)$/m.exec(text)?.[1]?.trim() ?? slug,
    html: marked.parse(text, { async: false }) as string,
    rules: allRules().filter((r) => r.runbook === slug).map((r) => r.name),
  };
}
