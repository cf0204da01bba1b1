import "server-only";
import { logger } from "./logger";

/** Runs the given seeders in order (the launcher passes lib/domains.ts demoSeeders). */
export async function seedDemoData(demoSeeders: { name: string; seed: () => Promise<void> }[]): Promise<void> {
  for (const s of demoSeeders) {
    await s.seed();
    logger.debug({ seeder: s.name }, "demo data seeded");
  }
}
