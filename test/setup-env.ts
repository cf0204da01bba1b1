import { inject } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.OPSDECK_DATABASE_KIND = inject("databaseKind");
process.env.AUTH_SECRET ??= "test-secret-not-for-production-0123456789";
process.env.LOG_LEVEL ??= "silent";
