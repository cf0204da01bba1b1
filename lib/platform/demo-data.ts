import "server-only";
import { demoSeeders } from "../domains";
import { logger } from "./logger";

export async function seedDemoData(): Promise<void> {
  for (const s of demoSeeders) {
    await s.seed();
    logger.debug({ seeder: s.name }, "demo data seeded");
  }
}
