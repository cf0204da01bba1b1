import { route } from "@/lib/platform/http/route";

export const GET = route(
  { route: "/api/healthz", policy: { public: true, reason: "liveness probe" }, admission: "exempt" },
  async () => ({ status: "ok" }),
);
