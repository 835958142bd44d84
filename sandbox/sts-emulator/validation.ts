/**
 * STS's request parameters against the STS API model's constraints (AssumeRole, AssumeRoleWithWebIdentity,
 * GetSessionToken).
 */
import { Constraints, type Pattern, POLICY_DOCUMENT, parseInteger } from '../query-protocol/constraints';
import { memberList, memberStructList, type QueryParams } from '../query-protocol/form';
import type { SessionTag } from './types';

// Without the `u` flag, astral characters are surrogate pairs and fall outside these classes; STS rejects them too.
const ARN: Pattern = {
  test: /^[\t\n\r\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD]+$/,
  display: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+',
};
/** RoleSessionName and SourceIdentity. */
export const SESSION_NAME: Pattern = { test: /^[\w+=,.@-]*$/, display: '[\\w+=,.@-]*' };
const EXTERNAL_ID: Pattern = { test: /^[\w+=,.@:/-]*$/, display: '[\\w+=,.@:\\/-]*' };
export const TAG_KEY: Pattern = {
  test: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u,
  display: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+',
};
export const TAG_VALUE: Pattern = {
  test: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u,
  display: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*',
};
const SERIAL_NUMBER: Pattern = { test: /^[\w+=/:,.@-]*$/, display: '[\\w+=/:,.@-]*' };
const TOKEN_CODE: Pattern = { test: /^\d*$/, display: '[\\d]*' };

/** The members AssumeRole and AssumeRoleWithWebIdentity share: the role, the session's name, duration and policies. */
export interface RoleSessionInput {
  readonly roleArn: string;
  readonly roleSessionName: string;
  readonly durationSeconds?: number;
  readonly policy?: string;
  readonly policyArns: readonly string[];
}

/** The parameters of AssumeRole, checked against the API model. */
export interface AssumeRoleInput extends RoleSessionInput {
  readonly tags: readonly SessionTag[];
  readonly transitiveTagKeys: readonly string[];
  readonly externalId?: string;
  readonly sourceIdentity?: string;
  /** Whether `SerialNumber`/`TokenCode` (MFA) were passed. */
  readonly mfa: boolean;
  /** Whether `ProvidedContexts` were passed. */
  readonly providedContexts: boolean;
}

/** STS: at most 50 session tags, 10 managed policy ARNs. */
const MAX_TAGS = 50;
const MAX_POLICY_ARNS = 10;

/** The shared members as sent, not yet checked. */
interface RawRoleSession {
  readonly roleArn: string | undefined;
  readonly roleSessionName: string | undefined;
  readonly durationSeconds: number | undefined;
  readonly policy: string | undefined;
  readonly policyArns: ReadonlyArray<{ readonly arn: string | undefined }>;
}

/** Reads the shared members; a malformed DurationSeconds throws `MalformedInput` before anything is checked. */
function readRoleSession(params: QueryParams): RawRoleSession {
  const durationSeconds = parseInteger(params.get('DurationSeconds'));
  return {
    roleArn: params.get('RoleArn'),
    roleSessionName: params.get('RoleSessionName'),
    durationSeconds,
    policy: params.get('Policy'),
    policyArns: memberStructList(params, 'PolicyArns', ['arn']),
  };
}

/** RoleArn and RoleSessionName: the first members both actions check. */
function checkRole(check: Constraints, raw: RawRoleSession): void {
  check.string('roleArn', raw.roleArn, { min: 20, max: 2048, pattern: ARN, required: true });
  check.string('roleSessionName', raw.roleSessionName, {
    min: 2,
    max: 64,
    pattern: SESSION_NAME,
    required: true,
  });
}

/** PolicyArns, Policy and DurationSeconds, which both actions check after their own first members. */
function checkSessionPolicies(check: Constraints, raw: RawRoleSession): void {
  check.listSize(
    'policyArns',
    raw.policyArns.map((p) => p.arn ?? ''),
    MAX_POLICY_ARNS,
  );
  raw.policyArns.forEach((p, i) => {
    check.string(`policyArns.${i + 1}.member.arn`, p.arn, {
      min: 20,
      max: 2048,
      pattern: ARN,
      required: true,
    });
  });
  check.string('policy', raw.policy, { min: 1, max: 2048, pattern: POLICY_DOCUMENT });
  check.range('durationSeconds', raw.durationSeconds, 900, 43200);
}

/** SerialNumber and TokenCode (MFA), which AssumeRole and GetSessionToken take. */
function checkMfa(check: Constraints, serialNumber: string | undefined, tokenCode: string | undefined): void {
  check.string('serialNumber', serialNumber, { min: 9, max: 256, pattern: SERIAL_NUMBER });
  check.string('tokenCode', tokenCode, { min: 6, max: 6, pattern: TOKEN_CODE });
}

/** The shared members once checked. */
function roleSessionInput(raw: RawRoleSession): RoleSessionInput {
  return {
    roleArn: raw.roleArn ?? '',
    roleSessionName: raw.roleSessionName ?? '',
    ...(raw.durationSeconds === undefined ? {} : { durationSeconds: raw.durationSeconds }),
    ...(raw.policy === undefined ? {} : { policy: raw.policy }),
    policyArns: raw.policyArns.map((p) => p.arn ?? ''),
  };
}

/** Reads and checks AssumeRole's parameters; throws `MalformedInput` or `ValidationError`. */
export function parseAssumeRoleInput(params: QueryParams): AssumeRoleInput {
  const raw = readRoleSession(params);
  const externalId = params.get('ExternalId');
  const sourceIdentity = params.get('SourceIdentity');
  const serialNumber = params.get('SerialNumber');
  const tokenCode = params.get('TokenCode');
  const rawTags = memberStructList(params, 'Tags', ['Key', 'Value']);
  const transitiveTagKeys = memberList(params, 'TransitiveTagKeys');

  const check = new Constraints();
  checkRole(check, raw);
  checkSessionPolicies(check, raw);
  check.listSize(
    'tags',
    rawTags.map((t) => `Tag(key=${t.Key}, value=${t.Value})`),
    MAX_TAGS,
  );
  rawTags.forEach((t, i) => {
    check.string(`tags.${i + 1}.member.key`, t.Key, { min: 1, max: 128, pattern: TAG_KEY, required: true });
    check.string(`tags.${i + 1}.member.value`, t.Value, {
      min: 0,
      max: 256,
      pattern: TAG_VALUE,
      required: true,
    });
  });
  check.listSize('transitiveTagKeys', transitiveTagKeys, MAX_TAGS);
  transitiveTagKeys.forEach((key, i) => {
    check.string(`transitiveTagKeys.${i + 1}.member`, key, { min: 1, max: 128, pattern: TAG_KEY });
  });
  check.string('externalId', externalId, { min: 2, max: 1224, pattern: EXTERNAL_ID });
  checkMfa(check, serialNumber, tokenCode);
  check.string('sourceIdentity', sourceIdentity, { min: 2, max: 64, pattern: SESSION_NAME });
  check.throwIfAny();

  return {
    ...roleSessionInput(raw),
    tags: rawTags.map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' })),
    transitiveTagKeys,
    ...(externalId === undefined ? {} : { externalId }),
    ...(sourceIdentity === undefined ? {} : { sourceIdentity }),
    mfa: serialNumber !== undefined || tokenCode !== undefined,
    providedContexts: [...params.keys()].some((name) => name.startsWith('ProvidedContexts.')),
  };
}

/** The parameters of AssumeRoleWithWebIdentity, checked against the API model. */
export interface AssumeRoleWithWebIdentityInput extends RoleSessionInput {
  readonly webIdentityToken: string;
  /** Whether `ProviderId` (an OAuth 2.0 provider's host, never sent for an OIDC ID token) was passed. */
  readonly providerId: boolean;
}

/** Reads and checks AssumeRoleWithWebIdentity's parameters; throws `MalformedInput` or `ValidationError`. */
export function parseAssumeRoleWithWebIdentityInput(params: QueryParams): AssumeRoleWithWebIdentityInput {
  const raw = readRoleSession(params);
  const webIdentityToken = params.get('WebIdentityToken');
  const providerId = params.get('ProviderId');

  const check = new Constraints();
  checkRole(check, raw);
  // The model marks the token sensitive: never repeated in a message.
  check.string('webIdentityToken', webIdentityToken, { min: 4, max: 20000, required: true, sensitive: true });
  // The model's urlType has the same pattern as its ARNs.
  check.string('providerId', providerId, { min: 4, max: 2048, pattern: ARN });
  checkSessionPolicies(check, raw);
  check.throwIfAny();

  return {
    ...roleSessionInput(raw),
    webIdentityToken: webIdentityToken ?? '',
    providerId: providerId !== undefined,
  };
}

/** Checks GetSessionToken's parameters; returns its duration (900–129600 s, default 43200). */
export function parseGetSessionTokenInput(params: QueryParams): { durationSeconds: number; mfa: boolean } {
  const durationSeconds = parseInteger(params.get('DurationSeconds'));
  const serialNumber = params.get('SerialNumber');
  const tokenCode = params.get('TokenCode');
  const check = new Constraints();
  check.range('durationSeconds', durationSeconds, 900, 129600);
  checkMfa(check, serialNumber, tokenCode);
  check.throwIfAny();
  return {
    durationSeconds: durationSeconds ?? 43200,
    mfa: serialNumber !== undefined || tokenCode !== undefined,
  };
}
