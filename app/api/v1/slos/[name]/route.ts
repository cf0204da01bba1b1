import { z } from "zod";
import { AppError } from "@/lib/platform/errors";
import { route } from "@/lib/platform/http/route";
import { pool } from "@/lib/platform/db";
import { findSlo, loadSlos } from "@/lib/slo/definitions";
import { sloDetail } from "@/lib/slo/detail";
import { text } from "@/lib/platform/http/schema-types";

export const dynamic = "force-dynamic";

/** One SLO: status, daily history over the window, and its burn-rate alert rules with their state now. */
export const GET = route(
  {
    route: "/api/v1/slos/[name]",
    policy: { session: "read", apiKey: "metrics:read" },
    params: z.object({ name: text("name").max(100) }),
  },
  async ({ params }) => {
    const slo = findSlo(params.name);
    if (!slo) throw new AppError("not_found", `No SLO named "${params.name}". Known: ${loadSlos().map((s) => s.name).join(", ")}.`);
    return sloDetail(pool(), slo, new Date());
  },
);
