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

/** The parameters of AssumeRole, checked against the API model. */
export interface AssumeRoleInput {
  readonly roleArn: string;
  readonly roleSessionName: string;
  readonly durationSeconds?: number;
  readonly policy?: string;
  readonly policyArns: readonly string[];
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

/** Reads and checks AssumeRole's parameters; throws `MalformedInput` or `ValidationError`. */
export function parseAssumeRoleInput(params: QueryParams): AssumeRoleInput {
  const durationSeconds = parseInteger(params.get('DurationSeconds'));
  const roleArn = params.get('RoleArn');
  const roleSessionName = params.get('RoleSessionName');
  const policy = params.get('Policy');
  const externalId = params.get('ExternalId');
  const sourceIdentity = params.get('SourceIdentity');
  const serialNumber = params.get('SerialNumber');
  const tokenCode = params.get('TokenCode');
  const policyArns = memberStructList(params, 'PolicyArns', ['arn']);
  const rawTags = memberStructList(params, 'Tags', ['Key', 'Value']);
  const transitiveTagKeys = memberList(params, 'TransitiveTagKeys');

  const check = new Constraints();
  check.string('roleArn', roleArn, { min: 20, max: 2048, pattern: ARN, required: true });
  check.string('roleSessionName', roleSessionName, {
    min: 2,
    max: 64,
    pattern: SESSION_NAME,
    required: true,
  });
  check.listSize(
    'policyArns',
    policyArns.map((p) => p.arn ?? ''),
    MAX_POLICY_ARNS,
  );
  policyArns.forEach((p, i) => {
    check.string(`policyArns.${i + 1}.member.arn`, p.arn, {
      min: 20,
      max: 2048,
      pattern: ARN,
      required: true,
    });
  });
  check.string('policy', policy, { min: 1, max: 2048, pattern: POLICY_DOCUMENT });
  check.range('durationSeconds', durationSeconds, 900, 43200);
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
  check.string('serialNumber', serialNumber, { min: 9, max: 256, pattern: SERIAL_NUMBER });
  check.string('tokenCode', tokenCode, { min: 6, max: 6, pattern: TOKEN_CODE });
  check.string('sourceIdentity', sourceIdentity, { min: 2, max: 64, pattern: SESSION_NAME });
  check.throwIfAny();

  return {
    roleArn: roleArn ?? '',
    roleSessionName: roleSessionName ?? '',
    ...(durationSeconds === undefined ? {} : { durationSeconds }),
    ...(policy === undefined ? {} : { policy }),
    policyArns: policyArns.map((p) => p.arn ?? ''),
    tags: rawTags.map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' })),
    transitiveTagKeys,
    ...(externalId === undefined ? {} : { externalId }),
    ...(sourceIdentity === undefined ? {} : { sourceIdentity }),
    mfa: serialNumber !== undefined || tokenCode !== undefined,
    providedContexts: [...params.keys()].some((name) => name.startsWith('ProvidedContexts.')),
  };
}

/** The parameters of AssumeRoleWithWebIdentity, checked against the API model. */
export interface AssumeRoleWithWebIdentityInput {
  readonly roleArn: string;
  readonly roleSessionName: string;
  readonly webIdentityToken: string;
  readonly durationSeconds?: number;
  readonly policy?: string;
  readonly policyArns: readonly string[];
  /** Whether `ProviderId` (an OAuth 2.0 provider's host, never sent for an OIDC ID token) was passed. */
  readonly providerId: boolean;
}

/** Reads and checks AssumeRoleWithWebIdentity's parameters; throws `MalformedInput` or `ValidationError`. */
export function parseAssumeRoleWithWebIdentityInput(params: QueryParams): AssumeRoleWithWebIdentityInput {
  const durationSeconds = parseInteger(params.get('DurationSeconds'));
  const roleArn = params.get('RoleArn');
  const roleSessionName = params.get('RoleSessionName');
  const webIdentityToken = params.get('WebIdentityToken');
  const providerId = params.get('ProviderId');
  const policy = params.get('Policy');
  const policyArns = memberStructList(params, 'PolicyArns', ['arn']);

  const check = new Constraints();
  check.string('roleArn', roleArn, { min: 20, max: 2048, pattern: ARN, required: true });
  check.string('roleSessionName', roleSessionName, {
    min: 2,
    max: 64,
    pattern: SESSION_NAME,
    required: true,
  });
  // The model marks the token sensitive: never repeated in a message.
  check.string('webIdentityToken', webIdentityToken, { min: 4, max: 20000, required: true, sensitive: true });
  // The model's urlType has the same pattern as its ARNs.
  check.string('providerId', providerId, { min: 4, max: 2048, pattern: ARN });
  check.listSize(
    'policyArns',
    policyArns.map((p) => p.arn ?? ''),
    MAX_POLICY_ARNS,
  );
  policyArns.forEach((p, i) => {
    check.string(`policyArns.${i + 1}.member.arn`, p.arn, {
      min: 20,
      max: 2048,
      pattern: ARN,
      required: true,
    });
  });
  check.string('policy', policy, { min: 1, max: 2048, pattern: POLICY_DOCUMENT });
  check.range('durationSeconds', durationSeconds, 900, 43200);
  check.throwIfAny();

  return {
    roleArn: roleArn ?? '',
    roleSessionName: roleSessionName ?? '',
    webIdentityToken: webIdentityToken ?? '',
    ...(durationSeconds === undefined ? {} : { durationSeconds }),
    ...(policy === undefined ? {} : { policy }),
    policyArns: policyArns.map((p) => p.arn ?? ''),
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
  check.string('serialNumber', serialNumber, { min: 9, max: 256, pattern: SERIAL_NUMBER });
  check.string('tokenCode', tokenCode, { min: 6, max: 6, pattern: TOKEN_CODE });
  check.throwIfAny();
  return {
    durationSeconds: durationSeconds ?? 43200,
    mfa: serialNumber !== undefined || tokenCode !== undefined,
  };
}
