import { prometheusRoute } from "@/lib/platform/http/prometheus";
import { jsonMetricsSections } from "@/lib/domains";

export const GET = prometheusRoute("/metrics", () => jsonMetricsSections);
