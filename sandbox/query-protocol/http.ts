/** The HTTP side of a query-protocol front: where requests arrive, how answers and oversized requests are sent. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBoundedBody } from '../net/request-body';
import { decodeQueryRequest, type QueryReply, type QueryRequest } from './request';

/** A request URL's path and raw query string. */
export function splitTarget(url: string): { readonly path: string; readonly query: string } {
  const queryStart = url.indexOf('?');
  return queryStart === -1
    ? { path: url, query: '' }
    : { path: url.slice(0, queryStart), query: url.slice(queryStart + 1) };
}

/** Whether a request is one for the service: `/` by GET (query string) or POST (form body), as AWS serves them. */
export function isServiceRequest(request: IncomingMessage, path: string): boolean {
  return path === '/' && (request.method === 'GET' || request.method === 'POST');
}

/** Anything else than `/`: AWS's front end knows no such resource. */
export function sendNotFound(response: ServerResponse): void {
  response.writeHead(404, { 'content-type': 'text/xml' }).end('<UnknownOperationException/>');
}

/**
 * Reads the body (at most `maxBodyBytes`) and decodes the request; undefined once the body was too large, which
 * has then been answered as AWS answers it: 413 with an empty body.
 */
export async function receiveQueryRequest(
  request: IncomingMessage,
  response: ServerResponse,
  query: string,
  options: { readonly maxBodyBytes: number; readonly nowMs: () => number },
): Promise<QueryRequest | undefined> {
  const body = await readBoundedBody(request, options.maxBodyBytes);
  if (body === undefined) {
    response.writeHead(413, { connection: 'close', date: new Date(options.nowMs()).toUTCString() }).end();
    return undefined;
  }
  return decodeQueryRequest({ method: request.method ?? '', query, rawHeaders: request.rawHeaders, body });
}

/** Sends an answer with the front's own clock in `Date`: the SDKs correct their clock skew from it, as against AWS. */
export function sendQueryReply(response: ServerResponse, reply: QueryReply, nowMs: number): void {
  response.writeHead(reply.status, {
    'content-type': 'text/xml',
    'x-amzn-requestid': reply.requestId,
    date: new Date(nowMs).toUTCString(),
  });
  response.end(reply.body);
}
