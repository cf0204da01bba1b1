// The JSON the payments panel endpoints return (lib/payments/stats.ts), as the client sees it.
export interface PaymentsPanel {
  window: string;
  step_minutes: number;
  generated_at: string;
  checkout: { totals: { attempted: number; succeeded: number; failed: number } };
  webhooks: { totals: { received: number; processed: number; failed: number; signature_failures: number; duplicates: number; ignored: number } };
  failure_buckets: Record<string, number>;
  last_failure: { at: string; reason: string; event_type: string } | null;
  reasons: string[];
  series: ({ t: string } & Record<string, number | string>)[];
  recent_failures: { at: string; kind: "checkout" | "webhook"; reason: string; detail: string; event_id: string | null; task_id: string | null }[];
}

export interface WebhookEventRow {
  id: string;
  type: string;
  outcome: string;
  deliveries: number;
  received_at: string;
  processed_at: string | null;
  failed_at: string | null;
  failure_reason: string | null;
  error: string | null;
  task_id: string | null;
  task_status: string | null;
  order_reference: string | null;
}

export interface WebhookEventPage {
  events: WebhookEventRow[];
  next_before: string | null;
}
