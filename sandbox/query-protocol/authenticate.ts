/**
 * Who sent a query-protocol request (STS, IAM): the credential checks in AWS's order — credential scope (region and
 * the service's signing name), known access key, session token present and bound to the key, session expiry,
 * request-date skew, signature.
 */

import type { KnownCredentials } from '../account/account';
import { type Principal, userIdOf } from '../account/principals';
import { sameSecret } from '../account/secret-compare';
import type { SessionStore, StoredSession } from '../account/sessions';
import type { SessionTag } from '../account/types';
import {
  expiredToken,
  incompleteSignature,
  invalidClientTokenId,
  missingAuthenticationToken,
  signatureDoesNotMatch,
} from './errors';
import {
  headerValue,
  parseAmzDate,
  parseAuthorization,
  payloadHashMatches,
  type ReceivedRequest,
  signatureMatches,
} from './sigv4';

/** An authenticated caller. */
export interface Caller {
  readonly principal: Principal;
  readonly userId: string;
  readonly accessKeyId: string;
  /** The issued session whose credentials signed the request; absent for base credentials. */
  readonly session?: StoredSession;
  /** Transitive tags that a role assumed by this caller inherits. */
  readonly transitiveTags: readonly SessionTag[];
  readonly sourceIdentity?: string;
}

/** What authentication consults. */
export interface AuthenticationContext {
  /** The region requests must be signed for (a regional endpoint); any region when undefined (a global one). */
  readonly region: string | undefined;
  readonly now: () => number;
  readonly baseCredentials: ReadonlyMap<string, KnownCredentials>;
  readonly sessions: SessionStore;
}

/** SigV4 allows the request date to be this far from the server's clock, either way. */
const MAX_SKEW_MS = 15 * 60 * 1000;

/**
 * Authenticates a request signed for `service` (the credential scope's service: `sts`, `iam`) or throws the
 * `QueryError` that the service would answer.
 */
export async function authenticate(
  request: ReceivedRequest,
  context: AuthenticationContext,
  service: string,
): Promise<Caller> {
  const header = headerValue(request.rawHeaders, 'authorization');
  if (header === undefined) {
    if ('X-Amz-Signature' in request.query || 'X-Amz-Credential' in request.query) {
      throw incompleteSignature(
        'Query-string (presigned) authentication is not supported by the sandbox; sign the Authorization header.',
      );
    }
    throw missingAuthenticationToken();
  }
  const auth = parseAuthorization(header);
  if (auth instanceof Error) throw auth;

  const scopeProblems = [
    context.region !== undefined && auth.region !== context.region
      ? 'Credential should be scoped to a valid region. '
      : '',
    auth.service !== service ? `Credential should be scoped to correct service: '${service}'. ` : '',
    auth.terminator !== 'aws4_request'
      ? `Credential should be scoped with a valid terminator: 'aws4_request', not '${auth.terminator}'. `
      : '',
  ].join('');
  if (scopeProblems !== '') throw signatureDoesNotMatch(scopeProblems);

  const base = context.baseCredentials.get(auth.accessKeyId);
  const session = base === undefined ? context.sessions.get(auth.accessKeyId) : undefined;
  if (base === undefined && session === undefined) throw invalidClientTokenId();
  const token = headerValue(request.rawHeaders, 'x-amz-security-token');
  if (session !== undefined) {
    if (token === undefined || !sameSecret(token, session.sessionToken)) throw invalidClientTokenId();
    if (context.sessions.isExpired(session)) throw expiredToken();
  }

  const amzDate = headerValue(request.rawHeaders, 'x-amz-date');
  const signingDate = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (amzDate === undefined || signingDate === undefined) {
    throw incompleteSignature(
      `Authorization header requires existence of a valid 'X-Amz-Date' header. Authorization=${header}`,
    );
  }
  checkSkew(amzDate, signingDate, context.now());

  const secret = base?.secretAccessKey ?? session?.secretAccessKey ?? '';
  if (!payloadHashMatches(request) || !(await signatureMatches(request, auth, secret, signingDate))) {
    throw signatureDoesNotMatch();
  }
  // Long-term credentials carry no session token; a token next to one is refused after the signature check.
  if (base !== undefined && token !== undefined) throw invalidClientTokenId();

  if (session !== undefined) {
    return {
      principal: session.principal,
      userId: session.record.userId,
      accessKeyId: auth.accessKeyId,
      session,
      transitiveTags: session.transitiveTags,
      ...(session.record.sourceIdentity === undefined
        ? {}
        : { sourceIdentity: session.record.sourceIdentity }),
    };
  }
  if (base === undefined) throw invalidClientTokenId();
  const { principal } = base;
  return { principal, userId: userIdOf(principal), accessKeyId: auth.accessKeyId, transitiveTags: [] };
}

function checkSkew(amzDate: string, signingDate: Date, nowMs: number): void {
  const now = formatAmzDate(nowMs);
  if (signingDate.getTime() < nowMs - MAX_SKEW_MS) {
    throw signatureDoesNotMatch(
      `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(nowMs - MAX_SKEW_MS)} (${now} - 15 min.)`,
    );
  }
  if (signingDate.getTime() > nowMs + MAX_SKEW_MS) {
    throw signatureDoesNotMatch(
      `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(nowMs + MAX_SKEW_MS)} (${now} + 15 min.)`,
    );
  }
}

function formatAmzDate(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}
