import { inject } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.OPSDECK_DATABASE_KIND = inject("databaseKind");
process.env.AUTH_SECRET ??= "test-secret-not-for-production-0123456789";
process.env.LOG_LEVEL ??= "silent";
// Tests write rows and read them back at once; shared reads (1 s by default) are tested on their own
// (lib/platform/shared-read.test.ts).
process.env.OPSDECK_SHARED_READ_MS ??= "0";
