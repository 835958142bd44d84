/** What every STS action may consult, the real actions it refuses, and the `<Credentials>` element of new sessions. */
import type { OidcProvider } from '../../account/oidc-providers';
import { isoSeconds, type MintedCredentials, type SessionStore } from '../../account/sessions';
import type { XmlNode } from '../../query-protocol/xml';
import type { OidcKeySource } from '../oidc-keys';
import type { EmulatedRole } from '../types';

/** The emulator's state, as the actions see it. */
export interface ActionContext {
  readonly accountId: string;
  readonly now: () => number;
  /** Emulated roles by role ARN. */
  readonly roles: ReadonlyMap<string, EmulatedRole>;
  readonly sessions: SessionStore;
  /** The account's OIDC providers by issuer URL. */
  readonly oidcProviders: ReadonlyMap<string, OidcProvider>;
  /** Where web identity tokens' verification keys come from. */
  readonly oidcKeys: OidcKeySource;
}

/**
 * Real STS actions that the emulator does not implement. They are refused with a clear message rather than
 * answered by something that would trust unverified input (a SAML assertion, …).
 */
export const NOT_EMULATED_ACTIONS: ReadonlySet<string> = new Set([
  'AssumeRoleWithSAML',
  'AssumeRoot',
  'DecodeAuthorizationMessage',
  'GetAccessKeyInfo',
  'GetDelegatedAccessToken',
  'GetFederationToken',
  'GetWebIdentityToken',
]);

/** The `<Credentials>` element of a new session. */
export function credentialsNode(credentials: MintedCredentials, expiresAtMs: number): XmlNode {
  return {
    name: 'Credentials',
    children: [
      { name: 'AccessKeyId', text: credentials.accessKeyId },
      { name: 'SecretAccessKey', text: credentials.secretAccessKey },
      { name: 'SessionToken', text: credentials.sessionToken },
      { name: 'Expiration', text: isoSeconds(expiresAtMs) },
    ],
  };
}
