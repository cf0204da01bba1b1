import { AppError } from "@/lib/platform/errors";
import { route } from "@/lib/platform/http/route";

// Unknown API paths answer in the API's JSON error shape, not an HTML page.
const notFound = route({ route: "/api/[...path]", policy: { public: true, reason: "404 for unknown API paths" } }, async ({ req }) => {
  throw new AppError("not_found", `No API endpoint ${req.method} ${new URL(req.url).pathname}. See README.md for the API list.`);
});
export const GET = notFound, POST = notFound, PUT = notFound, PATCH = notFound, DELETE = notFound;
