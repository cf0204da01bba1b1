// A strict reader of the Prometheus text exposition format (0.0.4): metric families from
// # TYPE lines, samples with their labels. Used by `opsdeck verify` and the anti-cardinality walk;
// a line it cannot read is an error naming the line, as Prometheus would refuse the scrape.
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SUFFIXES: Record<string, string[]> = { histogram: ["_bucket", "_sum", "_count"], summary: ["_sum", "_count"] };
const SAMPLE_RE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL_RE = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/gy;

function parseValue(v: string): number {
  if (v === "+Inf") return Infinity;
  if (v === "-Inf") return -Infinity;
  // prom-client writes NaN as "Nan"; Prometheus parses either (strconv.ParseFloat is case-insensitive).
  if (/^nan$/i.test(v)) return NaN;
  const n = Number(v);
  if (Number.isNaN(n)) throw new Error(`"${v}" is not a sample value`);
  return n;
}

export function parseExposition(text: string): { declared: Set<string>; samples: Sample[] } {
  const declared = new Set<string>();
  const samples: Sample[] = [];
  text.split("\n").forEach((line, i) => {
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      declared.add(type[1]);
      for (const s of SUFFIXES[type[2]] ?? []) declared.add(type[1] + s);
      return;
    }
    if (line.startsWith("# TYPE")) throw new Error(`line ${i + 1}: malformed TYPE line: ${line}`);
    if (!line.trim() || line.startsWith("#")) return;
    const m = SAMPLE_RE.exec(line);
    if (!m) throw new Error(`line ${i + 1}: not a sample: ${line}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? "";
    LABEL_RE.lastIndex = 0;
    let consumed = 0;
    for (let l = LABEL_RE.exec(body); l; l = LABEL_RE.exec(body)) {
      labels[l[1]] = l[2].replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
      consumed = LABEL_RE.lastIndex;
    }
    if (consumed !== body.length) throw new Error(`line ${i + 1}: malformed labels: ${line}`);
    try {
      samples.push({ name: m[1], labels, value: parseValue(m[3]) });
    } catch (err) {
      throw new Error(`line ${i + 1}: ${(err as Error).message}`);
    }
  });
  return { declared, samples };
}
