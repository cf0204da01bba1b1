import { z } from "zod";
import { AppError } from "@/lib/platform/errors";
import { route } from "@/lib/platform/http/route";
import { EXPORT_KINDS, findExportKind } from "@/lib/exports";
import { text } from "@/lib/platform/http/schema-types";

export const dynamic = "force-dynamic";

/** Admin download of a generated file: /api/v1/exports/<kind>[?file=<name>] (grafana has several files). */
export const GET = route(
  {
    route: "/api/v1/exports/[kind]",
    policy: { session: "admin" },
    params: z.object({ kind: text("kind").max(40) }),
    query: z.object({ file: text("file").max(100).optional() }),
  },
  async ({ params, query }) => {
    const kind = findExportKind(params.kind);
    if (!kind) throw new AppError("not_found", `No export "${params.kind}". Use one of ${EXPORT_KINDS.map((k) => k.kind).join(", ")}.`);
    const files = kind.files();
    const file = query.file ? files.find((f) => f.name === query.file) : files.length === 1 ? files[0] : undefined;
    if (!file) {
      const names = files.map((f) => f.name).join(", ");
      throw new AppError(query.file ? "not_found" : "bad_request", `${query.file ? `No file "${query.file}" in` : "Choose a file of"} the ${kind.kind} export with ?file=: ${names}.`);
    }
    return new Response(file.content, {
      headers: { "content-type": file.contentType, "content-disposition": `attachment; filename="${file.name}"` },
    });
  },
);
