// Slow-query events carry the statement's shape, never its data: literals, placeholders and
// long IN-lists collapse to "?", comments and whitespace runs go.
export function normaliseSql(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, " ")
    .replace(/\/\*[\s\S]*?\*\//g, " ")
    .replace(/\$(\w*)\$[\s\S]*?\$\1\$/g, "?")
    .replace(/[eE]?'(?:[^'\\]|''|\\.)*'/g, "?")
    .replace(/\$\d+/g, "?")
    .replace(/(?<![\w"])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w"])/gi, "?")
    .replace(/\s+/g, " ")
    .replace(/\(\s*\?(?:\s*,\s*\?)+\s*\)/g, "(?, …)")
    .replace(/\[\s*\?(?:\s*,\s*\?)+\s*\]/g, "[?, …]")
    .trim()
    .slice(0, 1_000);
}
