import { NextResponse } from "next/server";
import { route } from "@/lib/platform/http/route";
import { readiness } from "@/lib/platform/health";
import { readinessChecks } from "@/lib/domains";

export const GET = route({ route: "/api/readyz", policy: { public: true, reason: "readiness probe" } }, async () => {
  const { ready, checks } = await readiness(readinessChecks);
  const failing = checks.filter((c) => !c.ok);
  return NextResponse.json(
    { status: ready ? "ready" : "not_ready", checks, ...(failing.length ? { failing: failing.map((c) => c.name) } : {}) },
    { status: ready ? 200 : 503 },
  );
});
