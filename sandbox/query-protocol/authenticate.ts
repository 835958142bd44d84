/**
 * Who sent a SigV4-signed request: the credential checks in AWS's order — credential scope (region and the service's
 * signing name), known access key, session token present and bound to the key, session expiry, request-date skew,
 * signature. Query-protocol fronts (STS, IAM) answer failures in their words by default; another protocol (KMS's
 * JSON) passes its own `AuthenticationDialect`.
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

/** How a service words each authentication failure, and how far a request's date may be from its clock. */
export interface AuthenticationDialect {
  /** Either way, in milliseconds. */
  readonly maxSkewMs: number;
  readonly missingAuthenticationToken: () => Error;
  readonly incompleteSignature: (message: string) => Error;
  /** An unknown access key id, or a session key without its own token. */
  readonly invalidClientTokenId: () => Error;
  /** A wrong signature (default message), scope or date (their own messages). */
  readonly signatureDoesNotMatch: (message?: string) => Error;
  readonly expiredToken: () => Error;
}

/** The query protocol's words (STS, IAM): `QueryError`s, 15 minutes of skew. */
export const QUERY_AUTHENTICATION: AuthenticationDialect = {
  maxSkewMs: 15 * 60 * 1000,
  missingAuthenticationToken,
  incompleteSignature,
  invalidClientTokenId,
  signatureDoesNotMatch,
  expiredToken,
};

/**
 * Authenticates a request signed for `service` (the credential scope's service: `sts`, `iam`, `kms`) or throws the
 * error that the service would answer, in `dialect`'s words.
 */
export async function authenticate(
  request: ReceivedRequest,
  context: AuthenticationContext,
  service: string,
  dialect: AuthenticationDialect = QUERY_AUTHENTICATION,
): Promise<Caller> {
  const header = headerValue(request.rawHeaders, 'authorization');
  if (header === undefined) {
    if ('X-Amz-Signature' in request.query || 'X-Amz-Credential' in request.query) {
      throw dialect.incompleteSignature(
        'Query-string (presigned) authentication is not supported by the sandbox; sign the Authorization header.',
      );
    }
    throw dialect.missingAuthenticationToken();
  }
  const auth = parseAuthorization(header);
  if (auth instanceof Error) throw dialect.incompleteSignature(auth.awsMessage ?? auth.message);

  const scopeProblems = [
    context.region !== undefined && auth.region !== context.region
      ? 'Credential should be scoped to a valid region. '
      : '',
    auth.service !== service ? `Credential should be scoped to correct service: '${service}'. ` : '',
    auth.terminator !== 'aws4_request'
      ? `Credential should be scoped with a valid terminator: 'aws4_request', not '${auth.terminator}'. `
      : '',
  ].join('');
  if (scopeProblems !== '') throw dialect.signatureDoesNotMatch(scopeProblems);

  const base = context.baseCredentials.get(auth.accessKeyId);
  const session = base === undefined ? context.sessions.get(auth.accessKeyId) : undefined;
  if (base === undefined && session === undefined) throw dialect.invalidClientTokenId();
  const token = headerValue(request.rawHeaders, 'x-amz-security-token');
  if (session !== undefined) {
    if (token === undefined || !sameSecret(token, session.sessionToken)) throw dialect.invalidClientTokenId();
    if (context.sessions.isExpired(session)) throw dialect.expiredToken();
  }

  const amzDate = headerValue(request.rawHeaders, 'x-amz-date');
  const signingDate = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (amzDate === undefined || signingDate === undefined) {
    throw dialect.incompleteSignature(
      `Authorization header requires existence of a valid 'X-Amz-Date' header. Authorization=${header}`,
    );
  }
  checkSkew(amzDate, signingDate, context.now(), dialect);

  const secret = base?.secretAccessKey ?? session?.secretAccessKey ?? '';
  if (!payloadHashMatches(request) || !(await signatureMatches(request, auth, secret, signingDate))) {
    throw dialect.signatureDoesNotMatch();
  }
  // Long-term credentials carry no session token; a token next to one is refused after the signature check.
  if (base !== undefined && token !== undefined) throw dialect.invalidClientTokenId();

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
  if (base === undefined) throw dialect.invalidClientTokenId();
  const { principal } = base;
  return { principal, userId: userIdOf(principal), accessKeyId: auth.accessKeyId, transitiveTags: [] };
}

function checkSkew(amzDate: string, signingDate: Date, nowMs: number, dialect: AuthenticationDialect): void {
  const now = formatAmzDate(nowMs);
  const skew = dialect.maxSkewMs;
  const minutes = `${skew / 60_000} min.`;
  if (signingDate.getTime() < nowMs - skew) {
    throw dialect.signatureDoesNotMatch(
      `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(nowMs - skew)} (${now} - ${minutes})`,
    );
  }
  if (signingDate.getTime() > nowMs + skew) {
    throw dialect.signatureDoesNotMatch(
      `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(nowMs + skew)} (${now} + ${minutes})`,
    );
  }
}

function formatAmzDate(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}
