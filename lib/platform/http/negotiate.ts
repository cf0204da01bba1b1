// Picks the response type a client prefers from its Accept header (RFC 9110 q-values; ties go to
// the earlier listed type). Prometheus sends text/openmetrics with text/plain, JSON API clients
// (Grafana's simpod-json-datasource, Datadog HTTP checks) send application/json.
export function prefers(accept: string | null, offered: readonly string[]): string {
  const ranges = (accept ?? "").split(",").flatMap((part, order) => {
    const [type, ...params] = part.trim().toLowerCase().split(";").map((s) => s.trim());
    if (!type) return [];
    const q = Number(params.find((p) => p.startsWith("q="))?.slice(2) ?? 1);
    return [{ type, q: Number.isFinite(q) ? q : 0, order }];
  });
  const score = (offer: string) => {
    const [major] = offer.split("/");
    const match = ranges.find((r) => r.type === offer) ?? ranges.find((r) => r.type === `${major}/*`) ?? ranges.find((r) => r.type === "*/*");
    return match ? { q: match.q, order: match.type === offer ? match.order : 1000 + match.order } : { q: 0, order: Infinity };
  };
  let best = offered[0];
  let bestScore = { q: -1, order: Infinity };
  for (const offer of offered) {
    const s = score(offer);
    if (s.q > bestScore.q || (s.q === bestScore.q && s.order < bestScore.order)) [best, bestScore] = [offer, s];
  }
  return bestScore.q > 0 ? best : offered[0];
}
