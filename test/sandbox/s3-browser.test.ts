/**
 * The S3 emulator's CORS rule proven with a real browser: Debian's Chromium, driven by playwright-core, puts and
 * gets through presigned URLs from a page on an allowed origin, reads a refusal's status, and is blocked on an
 * origin the rule does not name.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { type Browser, chromium, type Page } from 'playwright-core';
import { LOCAL_DATA_BUCKET } from '../../sandbox/tenants/seed';
import { sandboxS3Client, useSandbox, vendCredentials } from './sandbox-harness';

const sandbox = useSandbox();
const BUCKET = LOCAL_DATA_BUCKET;
const CHROMIUM = '/usr/bin/chromium';
// Root needs --no-sandbox; without the background-networking flags Chromium keeps dialling out of this closed network.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
// 127.0.0.1 matches the rule's `http://127.0.0.1:*`; 127.0.0.2 is loopback on Linux too but matches no pattern.
const ALLOWED_HOST = '127.0.0.1';
const DISALLOWED_HOST = '127.0.0.2';

/** What a `fetch` in the page came to: the response's status, ETag and text, or the name of its rejection. */
type PageFetch =
  | { readonly status: number; readonly etag: string | null; readonly text: string }
  | { readonly rejected: string };

/** Serves a blank page on `host` (a free port); resolves with the server and the page's origin. */
async function servePage(host: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><title>credvend browser test</title>');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  return { server, origin: `http://${host}:${(server.address() as AddressInfo).port}` };
}

/** Runs `fetch(url, init)` in the page, as the page's own script would. */
function fetchInPage(
  page: Page,
  url: string,
  init: { method?: string; body?: string } = {},
): Promise<PageFetch> {
  return page.evaluate(
    async ({ url, init }) => {
      try {
        const response = await fetch(url, {
          ...init,
          ...(init.body !== undefined && { headers: { 'content-type': 'text/plain' } }),
        });
        return { status: response.status, etag: response.headers.get('etag'), text: await response.text() };
      } catch (error) {
        return { rejected: (error as Error).name };
      }
    },
    { url, init },
  );
}

const present = existsSync(CHROMIUM);
if (!present)
  process.stdout.write(
    `${CHROMIUM} not installed: the browser CORS tests are skipped (.ci/run installs it)\n`,
  );

(present ? describe : describe.skip)('a browser page using presigned URLs made from acme credentials', () => {
  let s3: S3Client;
  let browser: Browser;
  let allowed: { server: Server; origin: string };
  let disallowed: { server: Server; origin: string };
  let page: Page;
  let strangerPage: Page;
  const preflights: string[] = [];
  let blamedCors = false;

  beforeAll(async () => {
    const credentials = await vendCredentials(sandbox(), 'acme', 'alice');
    s3 = sandboxS3Client(sandbox(), credentials);
    [allowed, disallowed, browser] = await Promise.all([
      servePage(ALLOWED_HOST),
      servePage(DISALLOWED_HOST),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
    ]);
    page = await browser.newPage();
    // Chromium reports its CORS preflights to the DevTools protocol only; the method and path are all we keep.
    const devTools = await page.context().newCDPSession(page);
    devTools.on('Network.requestWillBeSent', ({ request }) => {
      if (request.method === 'OPTIONS') preflights.push(`OPTIONS ${new URL(request.url).pathname}`);
    });
    await devTools.send('Network.enable');
    await page.goto(`${allowed.origin}/`);
    strangerPage = await browser.newPage();
    // Only whether Chromium blamed CORS is kept: its messages quote the presigned URL, session token and all.
    strangerPage.on('console', (message) => {
      if (message.type() === 'error' && message.text().includes('blocked by CORS policy')) blamedCors = true;
    });
    await strangerPage.goto(`${disallowed.origin}/`);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(
      [allowed, disallowed].map((served) => served && new Promise((resolve) => served.server.close(resolve))),
    );
    s3?.destroy();
  });

  const presignPut = (key: string) =>
    getSignedUrl(s3, new PutObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 60 });
  const presignGet = (key: string) =>
    getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 60 });

  it("puts into acme's uploads after a preflight, reads the exposed ETag, and gets the text back", async () => {
    const key = 'tenants/acme/uploads/browser.txt';

    const put = await fetchInPage(page, await presignPut(key), { method: 'PUT', body: 'from the browser' });
    const stored = sandbox().s3.store.head(BUCKET, key);
    const got = await fetchInPage(page, await presignGet(key));

    expect(preflights).toEqual([`OPTIONS /${BUCKET}/${key}`]);
    expect(put).toEqual({ status: 200, etag: expect.stringMatching(/^"[0-9a-f]{32}"$/), text: '' });
    expect(stored?.etag).toBe((put as { etag: string }).etag);
    expect(stored && (await sandbox().s3.store.read(stored))?.toString()).toBe('from the browser');
    expect(got).toEqual({ status: 200, etag: stored?.etag, text: 'from the browser' });
  });

  it("is refused globex's prefix with a 403 the page can read, and nothing is stored", async () => {
    const key = 'tenants/globex/uploads/browser.txt';

    const put = await fetchInPage(page, await presignPut(key), { method: 'PUT', body: 'from the browser' });

    expect(put).toEqual({
      status: 403,
      etag: null,
      text: expect.stringContaining('<Code>AccessDenied</Code>'),
    });
    expect(sandbox().s3.store.head(BUCKET, key)).toBeUndefined();
  });

  it('is blocked by the browser on an origin the CORS rule does not name, and nothing is stored', async () => {
    const key = 'tenants/acme/uploads/browser-stranger.txt';

    const put = await fetchInPage(strangerPage, await presignPut(key), {
      method: 'PUT',
      body: 'from the browser',
    });

    expect(put).toEqual({ rejected: 'TypeError' });
    expect(blamedCors).toBe(true);
    expect(sandbox().s3.store.head(BUCKET, key)).toBeUndefined();
  });
});
