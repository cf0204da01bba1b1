// `opsdeck export openslo`: the SLO definitions as OpenSLO v1 for other tools. Where Prometheus
// counts the same events, the metric sources are rewritten to Prometheus queries; otherwise the
// Opsdeck SQL source stays (with a comment saying so).
import { stringify } from "yaml";
import { loadSlos } from "@/lib/slo/definitions";
import { sloCounters } from "./prometheus-rules";

export function openSlo(): string {
  return loadSlos()
    .map((slo) => {
      const doc = structuredClone(slo.document);
      const counters = sloCounters(slo);
      const ratio = doc.spec.indicator.spec.ratioMetric as unknown as Record<string, unknown>;
      let note = "# Metric sources: Prometheus counters exported by Opsdeck.";
      if ("reason" in counters) {
        note = `# Metric sources stay Opsdeck SQL queries (lib/slo/slis.ts): ${counters.reason}.`;
      } else {
        ratio.good = { metricSource: { type: "Prometheus", spec: { query: `sum(${counters.good})` } } };
        ratio.total = { metricSource: { type: "Prometheus", spec: { query: `sum(${counters.total})` } } };
      }
      return `${note}\n${stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false })}`;
    })
    .join("---\n");
}
