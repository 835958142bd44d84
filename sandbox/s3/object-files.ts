/** The object store's disk mode: each object a body file and a JSON sidecar, in one directory. */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { CHECKSUM_ALGORITHMS } from './checksums';
import type { ObjectInfo } from './stored-objects';

/** An object found on disk at start: its record, and the body file that holds its bytes. */
export interface LoadedObject {
  readonly info: ObjectInfo;
  readonly file: string;
}

/**
 * The files of a store's objects. Both files are named by a hash of bucket and key (a key is never a path); the
 * sidecar, written last by rename, is the commit point.
 */
export interface ObjectFiles {
  /** Every object whose sidecar is valid and whose body is whole; temporary and unreferenced files are removed. */
  load(): LoadedObject[];
  /** Writes an object's body and then its sidecar; returns the body file's name. */
  write(info: ObjectInfo, body: Buffer): Promise<string>;
  /** The bytes of a body file; undefined when it is gone. */
  read(file: string): Promise<Buffer | undefined>;
  /** Deletes an object: its sidecar, then its body file. */
  remove(bucket: string, key: string, file: string): Promise<void>;
  /** Removes a body file no sidecar references any more, ignoring failures. */
  discard(file: string): Promise<void>;
}

const SIDECAR = z.object({
  bucket: z.string(),
  key: z.string(),
  bodyFile: z.string().regex(/^[0-9a-f]{64}\.[0-9a-f]{12}\.bin$/),
  size: z.number().int().nonnegative(),
  etag: z.string(),
  lastModifiedMs: z.number(),
  contentType: z.string(),
  headers: z.record(z.string(), z.string()),
  userMetadata: z.record(z.string(), z.string()),
  checksum: z
    .object({
      algorithm: z.enum(CHECKSUM_ALGORITHMS),
      value: z.string(),
      type: z.enum(['FULL_OBJECT', 'COMPOSITE']),
    })
    .optional(),
  partSizes: z.array(z.number().int().nonnegative()).optional(),
});

/** The files of the objects under `dir` (created when missing, at `load`). */
export function objectFiles(dir: string): ObjectFiles {
  return {
    load: () => loadSidecars(dir),
    async write(info, body) {
      const id = objectId(info.bucket, info.key);
      const bodyFile = `${id}.${randomBytes(6).toString('hex')}.bin`;
      await writeAtomically(dir, bodyFile, body);
      await writeAtomically(dir, `${id}.json`, JSON.stringify({ ...info, bodyFile }));
      return bodyFile;
    },
    read: (file) => readFile(join(dir, file)).catch(() => undefined),
    async remove(bucket, key, file) {
      // The sidecar is the commit point: once it is gone the object is, even if its body lingers.
      await unlink(join(dir, `${objectId(bucket, key)}.json`)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      await removeQuietly(dir, file);
    },
    discard: (file) => removeQuietly(dir, file),
  };
}

/** Bucket names cannot contain a newline, so the pair hashes unambiguously. */
export function objectId(bucket: string, key: string): string {
  return createHash('sha256').update(`${bucket}\n${key}`, 'utf8').digest('hex');
}

async function writeAtomically(dir: string, name: string, data: Buffer | string): Promise<void> {
  const temporary = join(dir, `.tmp-${randomUUID()}`);
  try {
    await writeFile(temporary, data);
    await rename(temporary, join(dir, name));
  } catch (error) {
    await removeQuietly(dir, temporary);
    throw error;
  }
}

async function removeQuietly(dir: string, name: string): Promise<void> {
  await unlink(join(dir, name)).catch(() => undefined);
}

function loadSidecars(dir: string): LoadedObject[] {
  mkdirSync(dir, { recursive: true });
  const names = readdirSync(dir);
  const loaded: LoadedObject[] = [];
  const referenced = new Set<string>();
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    try {
      const { bodyFile, ...info } = SIDECAR.parse(JSON.parse(readFileSync(join(dir, name), 'utf8')));
      if (name !== `${objectId(info.bucket, info.key)}.json` || !bodyFile.startsWith(name.slice(0, 64)))
        continue;
      referenced.add(bodyFile);
      if (statSync(join(dir, bodyFile)).size === info.size) loaded.push({ info, file: bodyFile });
    } catch {
      // An unreadable sidecar is skipped, not fatal: the store starts with the objects it can vouch for.
    }
  }
  for (const name of names) {
    if (name.startsWith('.tmp-') || (name.endsWith('.bin') && !referenced.has(name))) {
      try {
        unlinkSync(join(dir, name));
      } catch {
        // Already gone.
      }
    }
  }
  return loaded;
}
