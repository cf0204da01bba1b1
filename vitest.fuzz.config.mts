// The route fuzzer (test/fuzz): its own run on its own fresh database, because authorised fuzz
// inputs may really change data (retry every dead letter, expire silences) that other test files
// own. `npm test` runs a quick fixed seed; `npm run fuzz` runs FUZZ_RUNS=10000 with a random seed.
import { defineConfig } from "vitest/config";
import base from "./vitest.config.mts";

export default defineConfig({ ...base, test: { ...base.test, include: ["test/fuzz/**/*.fuzz.ts"], testTimeout: 1_800_000 } });
