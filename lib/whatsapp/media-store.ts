import "server-only";
// Where media bytes live: the interface the disk and S3 stores share (media.ts picks one).
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";

export interface MediaStore {
  readonly kind: "disk" | "s3";
  /** Stores the bytes under the key unless the key is already there. Throws StorageError. */
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  get(key: string): Promise<Buffer>;
}

/** A store's failure, with a detail fit for recent_failures (no credentials, no bytes). */
export class StorageError extends Error {}

/** Files under the data dir, written to a temporary name then renamed: a reader never sees half a file. */
export function createDiskMediaStore(dir: string): MediaStore {
  return {
    kind: "disk",
    async put(key, bytes) {
      const file = path.join(dir, key);
      try {
        await fs.access(file);
        return;
      } catch {
        // not there yet
      }
      try {
        await fs.mkdir(path.dirname(file), { recursive: true });
        const tmp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
        await fs.writeFile(tmp, bytes);
        await fs.rename(tmp, file);
      } catch (err) {
        throw new StorageError(`could not write the file under ${dir}: ${(err as NodeJS.ErrnoException).code ?? "error"}; check the data dir's space and permissions`);
      }
    },
    get: (key) => fs.readFile(path.join(dir, key)),
  };
}
