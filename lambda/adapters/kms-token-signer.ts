/**
 * The `TokenSigner` on AWS KMS: web-identity tokens signed by an asymmetric KMS key (the private key never leaves
 * KMS), and the public keys of every key in rotation read once per warm container with GetPublicKey.
 */
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import {
  GetPublicKeyCommand,
  type GetPublicKeyCommandOutput,
  KMSClient,
  SignCommand,
  type SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import { derToJose } from 'ecdsa-sig-formatter';
import { IssuerRejectedError, ThrottledError, UpstreamUnavailableError, VendingError } from '../core/errors';
import { type PublicJwk, parseSigningKeyRef, type SigningKeyRef } from '../core/oidc-issuer';
import type { TokenSigner } from '../core/ports';
import {
  base64url,
  compactJws,
  jwsSigningInput,
  type SigningAlgorithm,
  type WebIdentityClaims,
} from '../core/web-identity-token';
import {
  type AwsClientOptions,
  asSdkError,
  checkDeadlineMs,
  commonConfig,
  DeadlineExceededError,
  isTransientFailure,
  type RegionalClientOptions,
  type RegionalClients,
  regionalClients,
  sendWithDeadline,
} from './aws-clients';
import { SingleFlight } from './cache-primitives';
import {
  ISSUER_REJECTED_MESSAGE,
  ISSUER_RETRY_AFTER_SECONDS,
  ISSUER_THROTTLED_MESSAGE,
  ISSUER_UNAVAILABLE_MESSAGE,
  oneLine,
  statusOf,
} from './sts-outcomes';

/**
 * KMS signs a `RAW` message of at most 4096 bytes (it hashes it with SHA-256 itself). A token's signing input is
 * bounded far below that by the config and the planner (about 1.4 KB at worst, see the tests).
 */
export const KMS_RAW_MESSAGE_MAX_BYTES = 4096;

/** How each supported KeySpec signs: the JWS `alg` and the KMS SigningAlgorithm that produces it. */
const SIGNING_BY_KEY_SPEC: Readonly<
  Record<string, { readonly alg: SigningAlgorithm; readonly kms: SigningAlgorithmSpec }>
> = {
  ECC_NIST_P256: { alg: 'ES256', kms: 'ECDSA_SHA_256' },
  RSA_2048: { alg: 'RS256', kms: 'RSASSA_PKCS1_V1_5_SHA_256' },
  RSA_3072: { alg: 'RS256', kms: 'RSASSA_PKCS1_V1_5_SHA_256' },
  RSA_4096: { alg: 'RS256', kms: 'RSASSA_PKCS1_V1_5_SHA_256' },
};

/** A KMS client on the regional endpoint of `options.region` (keys live in one region). */
export function createKmsClient(options: AwsClientOptions): KMSClient {
  return new KMSClient(commonConfig(options));
}

/**
 * Options of `KmsTokenSigner`. The default client factory is `createKmsClient` (a keep-alive `KMSClient` on the
 * regional endpoint); `endpoint` is `KMS_ENDPOINT` (the sandbox), `maxAttempts` counts per KMS call.
 */
export interface KmsTokenSignerOptions extends RegionalClientOptions<KMSClient> {
  /** KMS key ids or key ARNs (`SIGNING_KEY_IDS`): the first signs, all are published. */
  readonly keyIds: readonly string[];
  /** The region of keys named by id (an ARN names its own): the function's region. */
  readonly region: string;
  /** Deadline of one KMS call, retries included (a `sign` caller's own signal may end it sooner). @default 3000 */
  readonly deadlineMs?: number;
}

/** A key in rotation, as read from GetPublicKey. */
interface SigningKey {
  readonly ref: SigningKeyRef;
  readonly region: string;
  readonly signingAlgorithm: SigningAlgorithmSpec;
  readonly jwk: PublicJwk;
}

const KMS_REJECTION_NAMES = new Set([
  'AccessDeniedException',
  'NotFoundException',
  'DisabledException',
  'KMSInvalidStateException',
  'InvalidKeyUsageException',
  'InvalidArnException',
  'InvalidGrantTokenException',
  'UnsupportedOperationException',
  'IncorrectKeyException',
  'ValidationException',
]);
const KMS_THROTTLING_NAMES = new Set(['ThrottlingException', 'Throttling', 'LimitExceededException']);
/** KMS's own "try again" answers (500 and 503), whatever status the error happens to carry. */
const KMS_TRANSIENT_NAMES = new Set([
  'KMSInternalException',
  'DependencyTimeoutException',
  'KeyUnavailableException',
]);

/** Signs tokens with the first of `keyIds` and publishes the public keys of all of them. */
export class KmsTokenSigner implements TokenSigner {
  private readonly refs: readonly SigningKeyRef[];
  private readonly clients: RegionalClients<KMSClient>;
  private readonly deadlineMs: number;
  private readonly region: string;
  /** Public keys never change for a key id: once read, kept for the container's life; failures are not kept. */
  private readonly known = new Map<string, SigningKey>();
  private readonly loads = new SingleFlight<string, SigningKey>();

  constructor(options: KmsTokenSignerOptions) {
    if (options.keyIds.length === 0) throw new RangeError('KmsTokenSigner needs at least one key');
    this.refs = options.keyIds.map((id) => {
      const ref = parseSigningKeyRef(id);
      if (ref === undefined) throw new RangeError(`${id} is not a KMS key id or key ARN`);
      return ref;
    });
    this.region = options.region;
    this.deadlineMs = checkDeadlineMs(options.deadlineMs ?? 3000);
    this.clients = regionalClients(options, createKmsClient);
  }

  /** Signs `claims` with the first key (KMS `Sign`, `RAW`); throws a `VendingError` for a failure a caller should see. */
  async sign(
    claims: WebIdentityClaims,
    options: { readonly abortSignal?: AbortSignal } = {},
  ): Promise<string> {
    const [first] = this.refs;
    if (first === undefined) throw new Error('unreachable: no signing key');
    const key = await this.keyOf(first);
    const input = jwsSigningInput({ alg: key.jwk.alg, kid: key.jwk.kid, typ: 'JWT' }, claims);
    const message = Buffer.from(input, 'utf8');
    if (message.length > KMS_RAW_MESSAGE_MAX_BYTES) {
      throw new Error(
        `a web-identity token's signing input is ${message.length} bytes, above KMS's ${KMS_RAW_MESSAGE_MAX_BYTES}-byte RAW limit`,
      );
    }
    const what = `KMS Sign with ${key.ref.keyRef} in ${key.region}`;
    let signature: Uint8Array | undefined;
    try {
      const output = await sendWithDeadline(this.deadlineMs, (own) =>
        this.clients.get(key.region).send(
          new SignCommand({
            KeyId: key.ref.keyRef,
            Message: message,
            MessageType: 'RAW',
            SigningAlgorithm: key.signingAlgorithm,
          }),
          {
            abortSignal:
              options.abortSignal === undefined ? own : AbortSignal.any([own, options.abortSignal]),
          },
        ),
      );
      signature = output.Signature;
    } catch (error) {
      throw mapKmsError(error, what);
    }
    if (signature === undefined || signature.length === 0) {
      throw new IssuerRejectedError(ISSUER_REJECTED_MESSAGE, {
        detail: `${what}: answered without a Signature`,
      });
    }
    return compactJws(input, key.jwk.alg === 'ES256' ? joseEcdsa(signature, what) : base64url(signature));
  }

  /** The public key of every key in rotation; any failure is a 503 (STS and IAM retry the JWKS). */
  async publicKeys(): Promise<readonly PublicJwk[]> {
    try {
      const keys = await Promise.all(this.refs.map((ref) => this.keyOf(ref)));
      return keys.map((k) => k.jwk);
    } catch (error) {
      throw new UpstreamUnavailableError(
        "credvend's signing keys are temporarily unavailable; retry shortly.",
        {
          cause: error,
          detail: error instanceof VendingError ? error.detail : `KMS GetPublicKey failed (${nameOf(error)})`,
          retryAfterSeconds: ISSUER_RETRY_AFTER_SECONDS,
        },
      );
    }
  }

  /** Closes every client's keep-alive sockets (local sandbox shutdown, tests). */
  destroy(): void {
    this.clients.destroy();
  }

  /** The key, read once; concurrent first reads share one GetPublicKey, and a failed read is retried next time. */
  private keyOf(ref: SigningKeyRef): Promise<SigningKey> {
    const known = this.known.get(ref.keyRef);
    if (known !== undefined) return Promise.resolve(known);
    return this.loads.run(
      ref.keyRef,
      () => this.readKey(ref),
      (key) => this.known.set(ref.keyRef, key),
    );
  }

  private async readKey(ref: SigningKeyRef): Promise<SigningKey> {
    const region = ref.region ?? this.region;
    const what = `KMS GetPublicKey of ${ref.keyRef} in ${region}`;
    let output: GetPublicKeyCommandOutput;
    try {
      output = await sendWithDeadline(this.deadlineMs, (abortSignal) =>
        this.clients.get(region).send(new GetPublicKeyCommand({ KeyId: ref.keyRef }), { abortSignal }),
      );
    } catch (error) {
      throw mapKmsError(error, what);
    }
    const refuse = (problem: string) =>
      new IssuerRejectedError(ISSUER_REJECTED_MESSAGE, { detail: `${what}: ${problem}` });
    if (output.KeyUsage !== 'SIGN_VERIFY') {
      throw refuse(
        `KeyUsage is ${output.KeyUsage ?? 'missing'}; a web-identity signing key needs SIGN_VERIFY`,
      );
    }
    const signing = SIGNING_BY_KEY_SPEC[output.KeySpec ?? ''];
    if (signing === undefined) {
      throw refuse(
        `KeySpec ${output.KeySpec ?? 'missing'} is not one credvend signs with (ECC_NIST_P256 → ES256, RSA_2048/3072/4096 → RS256)`,
      );
    }
    if (output.SigningAlgorithms !== undefined && !output.SigningAlgorithms.includes(signing.kms)) {
      throw refuse(`the key does not offer ${signing.kms}`);
    }
    if (output.PublicKey === undefined || output.PublicKey.length === 0) {
      throw refuse('answered without a PublicKey');
    }
    return {
      ref,
      region,
      signingAlgorithm: signing.kms,
      jwk: toJwk(output.PublicKey, ref.keyId, signing.alg, refuse),
    };
  }
}

/** The JWK of a DER SubjectPublicKeyInfo, checked against the algorithm it is published for. */
function toJwk(
  spki: Uint8Array,
  kid: string,
  alg: SigningAlgorithm,
  refuse: (problem: string) => Error,
): PublicJwk {
  let jwk: JsonWebKey;
  try {
    jwk = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }).export({ format: 'jwk' });
  } catch {
    throw refuse('PublicKey is not a DER SubjectPublicKeyInfo');
  }
  if (alg === 'ES256' && jwk.kty === 'EC' && jwk.crv === 'P-256' && jwk.x && jwk.y) {
    return { kty: 'EC', kid, use: 'sig', alg, crv: 'P-256', x: jwk.x, y: jwk.y };
  }
  if (alg === 'RS256' && jwk.kty === 'RSA' && jwk.n && jwk.e) {
    return { kty: 'RSA', kid, use: 'sig', alg, n: jwk.n, e: jwk.e };
  }
  throw refuse(
    `PublicKey does not fit ${alg} (${[jwk.kty, jwk.crv].filter(Boolean).join(' ') || 'unknown key'})`,
  );
}

/** KMS returns ECDSA signatures DER-encoded; JWS ES256 wants the 64-byte R‖S form, base64url. */
function joseEcdsa(der: Uint8Array, what: string): string {
  try {
    return derToJose(Buffer.from(der), 'ES256');
  } catch (error) {
    throw new Error(`${what}: the signature is not a DER-encoded P-256 ECDSA signature`, { cause: error });
  }
}

/** Maps a failed KMS call: throttling 429, outages 503, a key or permission problem 502, anything else a plain 500. */
export function mapKmsError(error: unknown, what: string): VendingError | Error {
  const e = asSdkError(error);
  const name = nameOf(error);
  const detail = `${what}: KMS ${name}${statusOf(error)}: ${oneLine(typeof e.message === 'string' ? e.message : '')}`;
  if (error instanceof DeadlineExceededError) {
    return new UpstreamUnavailableError(ISSUER_UNAVAILABLE_MESSAGE, {
      cause: error,
      detail: `${what}: did not complete within the ${error.deadlineMs} ms deadline`,
      retryAfterSeconds: ISSUER_RETRY_AFTER_SECONDS,
    });
  }
  if (KMS_THROTTLING_NAMES.has(name) || e.$metadata?.httpStatusCode === 429) {
    return new ThrottledError(ISSUER_THROTTLED_MESSAGE, {
      cause: error,
      detail,
      retryAfterSeconds: ISSUER_RETRY_AFTER_SECONDS,
    });
  }
  if (KMS_REJECTION_NAMES.has(name))
    return new IssuerRejectedError(ISSUER_REJECTED_MESSAGE, { cause: error, detail });
  if (KMS_TRANSIENT_NAMES.has(name) || isTransientFailure(error)) {
    return new UpstreamUnavailableError(ISSUER_UNAVAILABLE_MESSAGE, {
      cause: error,
      detail,
      retryAfterSeconds: ISSUER_RETRY_AFTER_SECONDS,
    });
  }
  return new Error(`${what} failed unexpectedly (${name})`, { cause: error });
}

function nameOf(error: unknown): string {
  const name = asSdkError(error).name;
  return typeof name === 'string' ? name : 'UnknownError';
}
