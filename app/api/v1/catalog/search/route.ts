import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { text } from "@/lib/platform/http/schema-types";
import { pool } from "@/lib/platform/db";
import { search } from "@/lib/catalog/search";

export const dynamic = "force-dynamic";

const query = z
  .object({
    // Raw length bound; the normalised query is limited to 200 characters by search().
    q: text("q").trim().min(1, 'send the search text as "q", e.g. ?q=hoodie').max(500),
    page: z.coerce.number().int().min(1).max(500).default(1),
    per_page: z.coerce.number().int().min(1).max(100).default(20),
    /** The storefront's anonymous session id; only a truncated hash is stored. */
    session_id: text("session_id").regex(/^[A-Za-z0-9._:-]{1,128}$/, "letters, digits and . _ : - only (at most 128)").optional(),
  })
  .strict();

// Storefronts search with the checkout key; any signed-in user may search too.
export const GET = route({ route: "/api/v1/catalog/search", policy: { session: "read", apiKey: "checkout" }, query }, ({ query, identity }) =>
  search(pool(), {
    q: query.q,
    page: query.page,
    perPage: query.per_page,
    sessionId: query.session_id ?? (identity.kind === "session" ? `user:${identity.userId}` : null),
  }),
);
