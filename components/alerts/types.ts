// The alert shape the API returns (mirrors lib/alerting/queries.ts AlertView; client-safe).
export interface AlertRow {
  id: string;
  rule: string;
  source: string;
  state: string;
  severity: string;
  labels: Record<string, string>;
  summary: string;
  description: string;
  runbook: string | null;
  runbookUrl: string | null;
  value: number | null;
  activeAt: string;
  firedAt: string | null;
  resolvedAt: string | null;
  lastEvalAt: string;
  lastError: string | null;
  ack: { by: string; comment: string | null; at: string } | null;
  silencedBy: string[];
  inhibitedBy: string | null;
}
