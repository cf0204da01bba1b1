import { route } from "@/lib/platform/http/route";
import { metadata } from "@/lib/platform/health";

export const GET = route({ route: "/api/metadata", policy: { public: true, reason: "data source tagging; no secrets" } }, async () => metadata());
