/**
 * Web-identity mode (`SESSION_MODE=web-identity`): the real handler in-process, which signs a token with KMS and
 * exchanges it with STS AssumeRoleWithWebIdentity, against the bare `AssumeRoleWithWebIdentityCommand` with a
 * pre-signed token to the same emulator, interleaved; what the signer costs per token with an ECC_NIST_P256 (ES256)
 * and an RSA_2048 (RS256) key; and the cache hit against role chaining's, interleaved in the same run.
 */
import { randomUUID } from 'node:crypto';
import { KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { derToJose } from 'ecdsa-sig-formatter';
import { KMS_RAW_MESSAGE_MAX_BYTES, KmsTokenSigner } from '../../lambda/adapters/kms-token-signer';
import { toAssumeRoleWithWebIdentityInput } from '../../lambda/adapters/sts-web-identity-credential-issuer';
import type { SessionPlan } from '../../lambda/core/model';
import {
  base64url,
  compactJws,
  jwsSigningInput,
  type SigningAlgorithm,
  type TokenIssuerSettings,
  webIdentityClaims,
} from '../../lambda/core/web-identity-token';
import { signingKeyPolicy } from '../../sandbox/account/local-account';
import type { KmsKey } from '../../sandbox/account/signing-keys';
import type { KmsEmulator } from '../../sandbox/kms/server';
import { type BenchSandbox, startBenchSandbox } from '../bench-sandbox';
import { type Latency, latency, ms, type ReportRow, since, times } from '../stats';

/**
 * KMS's own latency for a Sign with an ECC_NIST_P256 key from the same region: an assumption, as AWS publishes no
 * latency figure (third-party reports say 10-15 ms); the figures are only as good as it is.
 */
export const KMS_SIGN_LATENCY_MS = 10;

/** A pre-signed token is used for at most this long, well inside its 300-second life. */
const TOKEN_REUSE_MS = 120_000;

export interface WebIdentityVendResult {
  readonly kmsLatencyMs: number;
  readonly stsLatencyMs: number;
  readonly handler: Latency;
  /** The bare AssumeRoleWithWebIdentity with a pre-signed token. */
  readonly bareExchange: Latency;
  /** A bare KMS Sign of the same signing input, then that exchange: the two calls the mode cannot avoid. */
  readonly bareSignAndExchange: Latency;
  readonly ratioP50: number;
}

/** The signer's cost per token for one key spec. */
export interface SignerCost {
  readonly alg: SigningAlgorithm;
  readonly keySpec: KmsKey['keySpec'];
  /** `KmsTokenSigner.sign`: signing input, KMS Sign through the real client to the emulator, the JWS. */
  readonly signer: Latency;
  /** The emulator's signature alone (node:crypto standing in for KMS's HSMs; not what KMS costs). */
  readonly emulatedHsm: Latency;
  /** credvend's local work: claims → signing input, KMS's signature → JWS (DER → R‖S for ES256). */
  readonly encoding: Latency;
  readonly tokenBytes: number;
}

export interface TokenSigningResult {
  readonly tokens: number;
  readonly es256: SignerCost;
  readonly rs256: SignerCost;
}

export interface WebIdentityCacheHitResult {
  readonly webIdentity: Latency;
  readonly roleChaining: Latency;
}

const webIdentitySandbox = (cacheEntries: string) =>
  startBenchSandbox({ CREDENTIAL_CACHE_MAX_ENTRIES: cacheEntries }, { sessionMode: 'web-identity' });

/** What a bench needs to sign tokens as the function does. */
function signingSetup(bench: BenchSandbox): {
  kms: KmsEmulator;
  region: string;
  settings: TokenIssuerSettings;
  signingKeyArn: string;
} {
  const { config, kms } = bench.sandbox;
  const [signingKeyArn] = config.SESSION_MODE === 'web-identity' ? config.SIGNING_KEY_IDS : [];
  if (config.SESSION_MODE !== 'web-identity' || kms === undefined || signingKeyArn === undefined) {
    throw new Error('the sandbox is not in web-identity mode');
  }
  return {
    kms,
    region: config.AWS_REGION ?? config.regions[0] ?? 'eu-west-1',
    settings: { issuer: config.WEB_IDENTITY_ISSUER, audience: config.WEB_IDENTITY_AUDIENCE },
    signingKeyArn,
  };
}

const newSigner = (bench: BenchSandbox, keyArn: string, region: string) =>
  new KmsTokenSigner({
    keyIds: [keyArn],
    region,
    endpoint: bench.sandbox.kmsUrl,
    credentials: bench.sandbox.baseCredentials,
  });

const signPlan = (signer: KmsTokenSigner, plan: SessionPlan, settings: TokenIssuerSettings) =>
  signer.sign(webIdentityClaims(plan, settings, Date.now(), randomUUID()));

/** Measures the handler (cache off) and the bare calls at each injected STS latency, KMS at `kmsLatencyMs`. */
export async function webIdentityVend(
  iterations: number,
  stsLatencies: readonly number[],
  kmsLatencyMs = KMS_SIGN_LATENCY_MS,
): Promise<WebIdentityVendResult[]> {
  const bench = await webIdentitySandbox('0');
  const { sandbox } = bench;
  const { kms, region, settings, signingKeyArn } = signingSetup(bench);
  // The SDK sends AssumeRoleWithWebIdentity unsigned: no credentials needed.
  const sts = new STSClient({ region, endpoint: sandbox.stsUrl });
  const kmsClient = new KMSClient({ region, endpoint: sandbox.kmsUrl, credentials: sandbox.baseCredentials });
  const signer = newSigner(bench, signingKeyArn, region);
  try {
    const plan = await bench.sessionPlan('web-identity');
    let token = await signPlan(signer, plan, settings);
    let mintedAt = performance.now();
    const results: WebIdentityVendResult[] = [];
    kms.setFaults({ latencyMs: kmsLatencyMs });
    for (const stsLatencyMs of stsLatencies) {
      sandbox.emulator.setFaults({ latencyMs: stsLatencyMs });
      const handlerMs: number[] = [];
      const exchangeMs: number[] = [];
      const bothMs: number[] = [];
      const warmUp = Math.min(50, iterations);
      for (let i = 0; i < iterations + warmUp; i += 1) {
        if (since(mintedAt) > TOKEN_REUSE_MS) {
          token = await signPlan(signer, plan, settings);
          mintedAt = performance.now();
        }
        let start = performance.now();
        const response = await bench.vend('web-identity');
        const handlerTime = since(start);
        if (response.statusCode !== 200)
          throw new Error(`vend failed: ${response.statusCode} ${response.body}`);
        start = performance.now();
        await sts.send(new AssumeRoleWithWebIdentityCommand(toAssumeRoleWithWebIdentityInput(plan, token)));
        const exchangeTime = since(start);
        start = performance.now();
        await kmsClient.send(
          new SignCommand({
            KeyId: signingKeyArn,
            Message: Buffer.from(token.slice(0, token.lastIndexOf('.')), 'utf8'),
            MessageType: 'RAW',
            SigningAlgorithm: 'ECDSA_SHA_256',
          }),
        );
        const signTime = since(start);
        if (i >= warmUp) {
          handlerMs.push(handlerTime);
          exchangeMs.push(exchangeTime);
          bothMs.push(signTime + exchangeTime);
        }
      }
      const handler = latency(handlerMs);
      const bareExchange = latency(exchangeMs);
      results.push({
        kmsLatencyMs,
        stsLatencyMs,
        handler,
        bareExchange,
        bareSignAndExchange: latency(bothMs),
        ratioP50: handler.p50 / bareExchange.p50,
      });
    }
    sandbox.emulator.setFaults({});
    kms.setFaults({});
    return results;
  } finally {
    signer.destroy();
    kmsClient.destroy();
    sts.destroy();
    await bench.close();
  }
}

/** The signer's cost per token with an ECC_NIST_P256 and an RSA_2048 key, interleaved, with no KMS latency. */
export async function tokenSigning(tokens: number): Promise<TokenSigningResult> {
  const bench = await webIdentitySandbox('0');
  const { sandbox } = bench;
  const { kms, region, settings } = signingSetup(bench);
  const [ecc] = sandbox.account.keys.list();
  if (ecc === undefined || ecc.keySpec !== 'ECC_NIST_P256') throw new Error('no ECC_NIST_P256 signing key');
  // Created after start-up, so the function keeps signing with the ECC key; this signer alone uses it.
  const rsa = sandbox.account.keys.create({ region, keySpec: 'RSA_2048', policy: signingKeyPolicy() });
  const keys = [
    { alg: 'ES256', key: ecc, signer: newSigner(bench, ecc.arn, region), algorithm: 'ECDSA_SHA_256' },
    {
      alg: 'RS256',
      key: rsa,
      signer: newSigner(bench, rsa.arn, region),
      algorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
    },
  ] as const;
  try {
    kms.setFaults({});
    const plan = await bench.sessionPlan('signing');
    const samples = keys.map(() => ({
      signer: [] as number[],
      hsm: [] as number[],
      encoding: [] as number[],
    }));
    const lastToken = keys.map(() => '');
    const warmUp = Math.min(50, tokens);
    for (let i = 0; i < tokens + warmUp; i += 1) {
      for (const [k, { alg, key, signer, algorithm }] of keys.entries()) {
        const claims = webIdentityClaims(plan, settings, Date.now(), randomUUID());
        let start = performance.now();
        const token = await signer.sign(claims);
        const signerTime = since(start);
        const signingInput = token.slice(0, token.lastIndexOf('.'));
        start = performance.now();
        const signature = key.sign(Buffer.from(signingInput, 'utf8'), 'RAW', algorithm);
        const hsmTime = since(start);
        // The signer's own steps around KMS, as `KmsTokenSigner.sign` takes them.
        start = performance.now();
        const input = jwsSigningInput({ alg, kid: key.keyId, typ: 'JWT' }, claims);
        if (Buffer.byteLength(input, 'utf8') > KMS_RAW_MESSAGE_MAX_BYTES)
          throw new Error('signing input too long');
        compactJws(input, alg === 'ES256' ? derToJose(signature, 'ES256') : base64url(signature));
        const encodingTime = since(start);
        const sample = samples[k];
        if (i >= warmUp && sample !== undefined) {
          sample.signer.push(signerTime);
          sample.hsm.push(hsmTime);
          sample.encoding.push(encodingTime);
        }
        lastToken[k] = token;
      }
    }
    const cost = (k: 0 | 1): SignerCost => ({
      alg: keys[k].alg,
      keySpec: keys[k].key.keySpec,
      signer: latency(samples[k]?.signer ?? []),
      emulatedHsm: latency(samples[k]?.hsm ?? []),
      encoding: latency(samples[k]?.encoding ?? []),
      tokenBytes: Buffer.byteLength(lastToken[k] ?? ''),
    });
    return { tokens, es256: cost(0), rs256: cost(1) };
  } finally {
    for (const { signer } of keys) signer.destroy();
    await bench.close();
  }
}

/** p50/p99 of cache hits in web-identity mode and in role-chaining mode, interleaved (order alternating). */
export async function webIdentityCacheHit(iterations: number): Promise<WebIdentityCacheHitResult> {
  const webIdentity = await webIdentitySandbox('1000');
  try {
    const roleChaining = await startBenchSandbox({ CREDENTIAL_CACHE_MAX_ENTRIES: '1000' });
    try {
      const benches = [webIdentity, roleChaining] as const;
      const samples = [[] as number[], [] as number[]] as const;
      const timedVend = async (b: 0 | 1, keep: boolean) => {
        const start = performance.now();
        const response = await benches[b].vend('cached');
        if (keep) samples[b].push(since(start));
        if (response.statusCode !== 200) throw new Error(`vend failed: ${response.statusCode}`);
      };
      await timedVend(0, false);
      await timedVend(1, false);
      for (let i = 0; i < iterations + 100; i += 1) {
        const first = i % 2 === 0 ? 0 : 1;
        await timedVend(first, i >= 100);
        await timedVend(first === 0 ? 1 : 0, i >= 100);
      }
      for (const bench of benches) {
        if (bench.stsCalls() !== 1)
          throw new Error(`expected one STS call for cached vends, saw ${bench.stsCalls()}`);
      }
      return { webIdentity: latency(samples[0]), roleChaining: latency(samples[1]) };
    } finally {
      await roleChaining.close();
    }
  } finally {
    await webIdentity.close();
  }
}

export function webIdentityRows(
  vends: readonly WebIdentityVendResult[],
  signing: TokenSigningResult,
  hit: WebIdentityCacheHitResult,
): ReportRow[] {
  const { es256, rs256 } = signing;
  const signingScenario = 'token signing ES256 vs RS256 (KMS +0 ms)';
  const compare = (measure: string, es: number, rs: number): ReportRow => ({
    scenario: signingScenario,
    measure,
    value: ms(es),
    baseline: `RS256 ${ms(rs)}`,
    ratio: times(es / rs),
  });
  return [
    ...vends.flatMap((r): ReportRow[] => {
      const scenario = `web-identity vend (KMS +${r.kmsLatencyMs} ms, STS +${r.stsLatencyMs} ms)`;
      return [
        {
          scenario,
          measure: 'p50',
          value: ms(r.handler.p50),
          baseline: `bare exchange ${ms(r.bareExchange.p50)}`,
          ratio: times(r.ratioP50),
        },
        {
          scenario,
          measure: 'p99',
          value: ms(r.handler.p99),
          baseline: `bare exchange ${ms(r.bareExchange.p99)}`,
          ratio: times(r.handler.p99 / r.bareExchange.p99),
        },
        {
          scenario,
          measure: 'p50 vs Sign + exchange',
          value: ms(r.handler.p50),
          baseline: `bare Sign + exchange ${ms(r.bareSignAndExchange.p50)}`,
          ratio: times(r.handler.p50 / r.bareSignAndExchange.p50),
        },
      ];
    }),
    compare('signer p50', es256.signer.p50, rs256.signer.p50),
    compare('signer p99', es256.signer.p99, rs256.signer.p99),
    compare('emulated HSM p50', es256.emulatedHsm.p50, rs256.emulatedHsm.p50),
    compare('encoding p50', es256.encoding.p50, rs256.encoding.p50),
    {
      scenario: signingScenario,
      measure: 'token size',
      value: `${es256.tokenBytes} B`,
      baseline: `RS256 ${rs256.tokenBytes} B`,
      ratio: times(es256.tokenBytes / rs256.tokenBytes),
    },
    {
      scenario: 'cache hit web-identity vs role chaining',
      measure: 'p50',
      value: ms(hit.webIdentity.p50),
      baseline: `role chaining ${ms(hit.roleChaining.p50)}`,
      ratio: times(hit.webIdentity.p50 / hit.roleChaining.p50),
    },
    {
      scenario: 'cache hit web-identity vs role chaining',
      measure: 'p99',
      value: ms(hit.webIdentity.p99),
      baseline: `role chaining ${ms(hit.roleChaining.p99)}`,
      ratio: times(hit.webIdentity.p99 / hit.roleChaining.p99),
    },
  ];
}
