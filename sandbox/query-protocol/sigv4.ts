/**
 * SigV4 header authentication: parse the `Authorization` header, then re-sign the received request with the
 * claimed key's secret through @smithy/signature-v4 and compare the signatures in constant time.
 */

import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { sameSignature, sha256Hex } from '../account/secret-compare';
import { incompleteSignature, type QueryError } from './errors';

/** The parts of `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`. */
export interface SigV4Authorization {
  readonly accessKeyId: string;
  readonly scopeDate: string;
  readonly region: string;
  readonly service: string;
  readonly terminator: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

/** Parses the header; an `IncompleteSignature` error when a part is missing or malformed. */
export function parseAuthorization(header: string): SigV4Authorization | QueryError {
  const trimmed = header.trim();
  if (!trimmed.startsWith(`${ALGORITHM} `)) {
    const algorithm = trimmed.split(/\s/, 1)[0] ?? '';
    return incompleteSignature(`Unsupported AWS 'algorithm': '${algorithm}'.`);
  }
  const fields = new Map<string, string>();
  for (const part of trimmed.slice(ALGORITHM.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((name) => !fields.get(name));
  if (missing.length > 0) {
    return incompleteSignature(
      `${missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' ')} ` +
        `Authorization=${header}`,
    );
  }
  const credential = (fields.get('Credential') ?? '').split('/');
  const [accessKeyId, scopeDate, region, service, terminator] = credential;
  if (
    credential.length !== 5 ||
    !accessKeyId ||
    scopeDate === undefined ||
    !/^\d{8}$/.test(scopeDate) ||
    !region ||
    !service ||
    terminator === undefined
  ) {
    return incompleteSignature(
      `Credential should be of the form '<access key>/<date>/<region>/<service>/aws4_request'. Authorization=${header}`,
    );
  }
  const signedHeaders = (fields.get('SignedHeaders') ?? '').split(';').filter((name) => name !== '');
  if (!signedHeaders.includes('host')) {
    return incompleteSignature(`'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.`);
  }
  return {
    accessKeyId,
    scopeDate,
    region,
    service,
    terminator,
    signedHeaders,
    signature: fields.get('Signature') ?? '',
  };
}

/** Parses `X-Amz-Date` (`20240101T000000Z`); undefined when malformed. */
export function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (m === null) return undefined;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The received request, as much of it as a signature covers. */
export interface ReceivedRequest {
  readonly method: string;
  /** The decoded path, e.g. `/`. */
  readonly path: string;
  /** Decoded query parameters, every value of a repeated name. */
  readonly query: Record<string, string | string[]>;
  /** Raw header names and values as they arrived (`IncomingMessage.rawHeaders`). */
  readonly rawHeaders: readonly string[];
  readonly body: Uint8Array;
}

/** The value of a header: repeated headers joined with commas, as SigV4 canonicalizes them. */
export function headerValue(rawHeaders: readonly string[], name: string): string | undefined {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === name) values.push(rawHeaders[i + 1] ?? '');
  }
  return values.length === 0 ? undefined : values.join(',');
}

/** Whether an `x-amz-content-sha256` header, when present, is the real hash of the body. */
export function payloadHashMatches(request: ReceivedRequest): boolean {
  const claimed = headerValue(request.rawHeaders, 'x-amz-content-sha256');
  return claimed === undefined || claimed === sha256Hex(request.body);
}

/**
 * Whether `auth.signature` is the signature of `request` under `secretAccessKey`. The request is rebuilt from the
 * headers the client listed as signed (no others), and signed for the client's own scope at its `X-Amz-Date`.
 */
export async function signatureMatches(
  request: ReceivedRequest,
  auth: SigV4Authorization,
  secretAccessKey: string,
  signingDate: Date,
): Promise<boolean> {
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = headerValue(request.rawHeaders, name);
    if (value !== undefined) headers[name] = value;
  }
  const signer = new SignatureV4({
    service: auth.service,
    region: auth.region,
    // The session token travels in the signed headers when the client signed it; never add it here.
    credentials: { accessKeyId: auth.accessKeyId, secretAccessKey },
    sha256: Hash.bind(null, 'sha256'),
    // Only the client decides whether x-amz-content-sha256 is part of the signature.
    applyChecksum: false,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: request.method,
      protocol: 'http:',
      hostname: headers.host ?? 'localhost',
      path: request.path,
      query: request.query,
      headers,
      body: request.body,
    }),
    {
      signingDate,
      signingRegion: auth.region,
      signingService: auth.service,
      // Headers that the signer would never sign on its own (e.g. user-agent) still count when the client did.
      signableHeaders: new Set(auth.signedHeaders),
    },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? ''))?.[1];
  return expected !== undefined && sameSignature(expected, auth.signature);
}
