/** Reading a request body into memory with a bound, for the sandbox's HTTP fronts. */
import type { IncomingMessage } from 'node:http';

/**
 * The body, or undefined once it exceeds `limit` bytes (a larger `Content-Length` is refused before anything is
 * read). The rest of a refused body is drained, so that the connection can still carry the answer.
 */
export function readBoundedBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    if (Number(request.headers['content-length'] ?? 0) > limit) {
      request.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        request.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
