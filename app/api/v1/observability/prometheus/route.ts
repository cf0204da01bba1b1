import { prometheusRoute } from "@/lib/platform/http/prometheus";

export const GET = prometheusRoute("/api/v1/observability/prometheus");
