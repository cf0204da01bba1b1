import { prometheusRoute } from "@/lib/platform/http/prometheus";

export const GET = prometheusRoute("/metrics");
