import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { OBSERVABILITY_SCOPES } from "@/lib/platform/auth/roles";
import { pool } from "@/lib/platform/db";
import { observabilitySnapshot } from "@/lib/catalog/insights";

export const dynamic = "force-dynamic";

const query = z
  .object({
    /** Overrides CATALOG_ZERO_RESULTS_MIN_SAMPLE_SIZE (the checker's --catalog-min-sample-size). */
    min_sample_size: z.coerce.number().int().min(1).max(1_000_000).optional(),
  })
  .strict();

export const GET = route({ route: "/api/v1/catalog/observability", policy: { session: "read", apiKey: OBSERVABILITY_SCOPES }, query }, ({ query }) =>
  observabilitySnapshot(pool(), { minSampleSize: query.min_sample_size }),
);
