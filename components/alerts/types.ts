// The alert shape the API returns: one definition, in lib/alerting/types.ts (client-safe).
export type { AlertView as AlertRow } from "@/lib/alerting/types";
