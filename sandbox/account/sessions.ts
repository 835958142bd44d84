/** Sessions the emulator issued: minting their credentials, finding them again by access key id, bounding memory. */
import { randomBytes, randomInt } from 'node:crypto';
import type { Principal } from './principals';
import type { SessionCredentials, SessionRecord, SessionTag } from './types';

/** The credentials of a new session. */
export type MintedCredentials = SessionCredentials;

/** A session as stored: its public record plus what only authentication may see. */
export interface StoredSession {
  readonly record: Omit<SessionRecord, 'expired'>;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiresAtMs: number;
  /** Who the session's credentials authenticate as. */
  readonly principal: Principal;
  /** Tags that pass on to sessions assumed with these credentials. */
  readonly transitiveTags: readonly SessionTag[];
}

const ACCESS_KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `ASIA` + 16 uppercase alphanumerics, a 40-character secret, and a long opaque token; all from node:crypto. */
export function mintCredentials(): MintedCredentials {
  let suffix = '';
  for (let i = 0; i < 16; i += 1) suffix += ACCESS_KEY_ALPHABET[randomInt(ACCESS_KEY_ALPHABET.length)];
  return {
    accessKeyId: `ASIA${suffix}`,
    // 30 bytes are exactly 40 base64 characters, the length of an AWS secret access key.
    secretAccessKey: randomBytes(30).toString('base64'),
    // Real tokens are opaque base64 blobs of several hundred characters; this one only has to be unguessable.
    sessionToken: randomBytes(384).toString('base64'),
  };
}

/** Seconds-precision ISO 8601, as STS writes `Expiration`. */
export function isoSeconds(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** What an action decides about a new session; the store adds credentials, times and the issuer. */
export interface NewSession {
  readonly record: Omit<
    SessionRecord,
    | 'expired'
    | 'accessKeyId'
    | 'durationSeconds'
    | 'issuedAt'
    | 'expiration'
    | 'issuerArn'
    | 'issuerAccessKeyId'
  >;
  readonly durationSeconds: number;
  readonly issuer: { readonly arn: string; readonly accessKeyId: string };
  readonly principal: Principal;
  readonly transitiveTags: readonly SessionTag[];
}

/** The issued sessions, by access key id. */
export class SessionStore {
  private readonly sessions = new Map<string, StoredSession>();

  constructor(
    private readonly maxSessions: number,
    private readonly now: () => number,
    private readonly onAdd?: (credentials: MintedCredentials) => void,
  ) {}

  /** Mints credentials for a new session, valid from now (whole seconds) for its duration, and keeps it. */
  issue(session: NewSession): { credentials: MintedCredentials; expiresAtMs: number } {
    const issuedAtMs = Math.floor(this.now() / 1000) * 1000;
    const expiresAtMs = issuedAtMs + session.durationSeconds * 1000;
    const credentials = mintCredentials();
    this.add({
      record: {
        ...session.record,
        accessKeyId: credentials.accessKeyId,
        durationSeconds: session.durationSeconds,
        issuedAt: isoSeconds(issuedAtMs),
        expiration: isoSeconds(expiresAtMs),
        issuerArn: session.issuer.arn,
        issuerAccessKeyId: session.issuer.accessKeyId,
      },
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
      expiresAtMs,
      principal: session.principal,
      transitiveTags: session.transitiveTags,
    });
    return { credentials, expiresAtMs };
  }

  /** Keeps a session; when full, drops expired sessions first and then the oldest ones. */
  add(session: StoredSession): void {
    if (this.sessions.size >= this.maxSessions) this.evict();
    this.sessions.set(session.record.accessKeyId, session);
    this.onAdd?.({
      accessKeyId: session.record.accessKeyId,
      secretAccessKey: session.secretAccessKey,
      sessionToken: session.sessionToken,
    });
  }

  get(accessKeyId: string): StoredSession | undefined {
    return this.sessions.get(accessKeyId);
  }

  /** The public record, with `expired` as of now; never the secret or the token. */
  inspect(accessKeyId: string): SessionRecord | undefined {
    const session = this.sessions.get(accessKeyId);
    if (session === undefined) return undefined;
    return { ...session.record, expired: this.isExpired(session) };
  }

  isExpired(session: StoredSession): boolean {
    return this.now() >= session.expiresAtMs;
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Drops expired sessions, then the oldest ones down to 90% of the limit, so that eviction runs rarely. */
  private evict(): void {
    for (const [id, session] of this.sessions) if (this.isExpired(session)) this.sessions.delete(id);
    const target = Math.floor(this.maxSessions * 0.9);
    // Map iteration follows insertion order: the first keys are the oldest sessions.
    for (const id of this.sessions.keys()) {
      if (this.sessions.size <= target) break;
      this.sessions.delete(id);
    }
  }
}
