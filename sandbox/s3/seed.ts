/** The demo objects the sandbox seeds into its data bucket: a few small files under each demo tenant's prefix. */
import { etagOf } from './checksums';
import type { ObjectStore } from './object-store';

/** A demo object: key, content type and text. */
export interface DemoObject {
  readonly key: string;
  readonly contentType: string;
  readonly text: string;
}

const REPORT =
  'region,orders,revenue_eur\n' +
  'eu-west-1,1204,98210.50\n' +
  'us-east-1,877,70112.25\n' +
  'total,2081,168322.75\n';

/**
 * What each demo tenant finds (see `sandbox/tenants/seed.ts` for their grants): acme reads all of its prefix and
 * writes under `uploads/`; globex only reads; initech is suspended, so its files are there but out of reach.
 */
export const DEMO_OBJECTS: readonly DemoObject[] = [
  {
    key: 'tenants/acme/README.txt',
    contentType: 'text/plain; charset=utf-8',
    text: 'Welcome, acme. You may read and list tenants/acme/, and write and delete under tenants/acme/uploads/.\n',
  },
  { key: 'tenants/acme/reports/2026-q3.csv', contentType: 'text/csv', text: REPORT },
  {
    key: 'tenants/acme/uploads/welcome.txt',
    contentType: 'text/plain; charset=utf-8',
    text: 'Upload your own files next to this one; you may also delete it.\n',
  },
  {
    key: 'tenants/globex/README.txt',
    contentType: 'text/plain; charset=utf-8',
    text: 'Welcome, globex. Your credentials read tenants/globex/ but cannot list, write or delete.\n',
  },
  { key: 'tenants/globex/reports/2026-q3.csv', contentType: 'text/csv', text: REPORT.replace('1204', '611') },
  {
    key: 'tenants/initech/README.txt',
    contentType: 'text/plain; charset=utf-8',
    text: 'Welcome, initech. This tenant is suspended: credvend vends it no credentials.\n',
  },
];

/**
 * Writes each demo object into `bucket` unless an object is already under its key, so a store kept on disk keeps
 * what its users changed. Returns the keys written.
 */
export async function seedDemoObjects(
  store: ObjectStore,
  bucket: string,
  objects: readonly DemoObject[] = DEMO_OBJECTS,
): Promise<string[]> {
  const written: string[] = [];
  const present = new Error('already present');
  for (const { key, contentType, text } of objects) {
    const body = Buffer.from(text, 'utf8');
    const object = { contentType, headers: {}, userMetadata: {}, body, etag: etagOf(body) };
    try {
      await store.put(bucket, key, object, (current) => {
        if (current !== undefined) throw present;
      });
      written.push(key);
    } catch (error) {
      if (error !== present) throw error;
    }
  }
  return written;
}
