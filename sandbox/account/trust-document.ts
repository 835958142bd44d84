/**
 * A role's trust as IAM shows it (`GetRole`'s `AssumeRolePolicyDocument`): the emulated `RoleTrust` said in IAM's
 * policy grammar, statement by statement exactly what the STS front enforces — no more, so that a reader of the
 * document is never told of a condition the sandbox does not check — followed by the web-identity statements, which
 * the STS front evaluates as they are written.
 */
import type { PolicyJson, RoleTrust } from './types';

/** The trust policy document that states `trust`. */
export function trustPolicyDocument(trust: RoleTrust): PolicyJson {
  // A role trusted through web identity alone names no AWS principal, and so has no AssumeRole statement.
  const statements = trust.principals.length === 0 ? [] : assumeRoleStatements(trust);
  statements.push(...(trust.webIdentity?.Statement ?? []));
  return { Version: '2012-10-17', Statement: statements };
}

/** The statements of the AssumeRole trust: who may assume the role, tag the session and name its source identity. */
function assumeRoleStatements(trust: RoleTrust): Record<string, unknown>[] {
  const principal = { AWS: unwrap(trust.principals.map(principalEntry)) };
  const assumeConditions: Record<string, Record<string, string>> = {};
  if (trust.externalId !== undefined) {
    assumeConditions.StringEquals = { 'sts:ExternalId': trust.externalId };
  }
  // The emulator checks that a required tag and the source identity are present, not what they hold: `Null`.
  const present: Record<string, string> = {};
  for (const key of trust.requireTags ?? []) present[`aws:RequestTag/${key}`] = 'false';
  if (trust.requireSourceIdentity) present['sts:SourceIdentity'] = 'false';
  if (Object.keys(present).length > 0) assumeConditions.Null = present;

  const statements: Record<string, unknown>[] = [
    {
      Sid: 'AssumeRole',
      Effect: 'Allow',
      Principal: principal,
      Action: 'sts:AssumeRole',
      ...(Object.keys(assumeConditions).length > 0 && { Condition: assumeConditions }),
    },
  ];
  const tagKeys = allowedTagKeys(trust);
  if (tagKeys !== 'none') {
    statements.push({
      Sid: 'TagSession',
      Effect: 'Allow',
      Principal: principal,
      Action: 'sts:TagSession',
      // Tag keys are compared case-insensitively, as STS compares them.
      ...(tagKeys !== 'any' && {
        Condition: { 'ForAllValues:StringEqualsIgnoreCase': { 'aws:TagKeys': unwrap(tagKeys) } },
      }),
    });
  }
  if (trust.requireSourceIdentity || trust.allowSourceIdentity) {
    statements.push({
      Sid: 'SetSourceIdentity',
      Effect: 'Allow',
      Principal: principal,
      Action: 'sts:SetSourceIdentity',
    });
  }
  return statements;
}

/** Which session tag keys the trust admits (the STS front's rule, see `RoleTrust.allowTagKeys`). */
function allowedTagKeys(trust: RoleTrust): 'none' | 'any' | string[] {
  const { requireTags, allowTagKeys } = trust;
  if (allowTagKeys === undefined) return requireTags === undefined ? 'none' : 'any';
  if (allowTagKeys.includes('*')) return 'any';
  return [...new Set([...allowTagKeys, ...(requireTags ?? [])])];
}

/** IAM writes an account given by its bare id as the account's root ARN. */
function principalEntry(entry: string): string {
  return /^\d{12}$/.test(entry) ? `arn:aws:iam::${entry}:root` : entry;
}

/** A one-element list as its element, as IAM writes it. */
function unwrap(values: readonly string[]): string | string[] {
  return values.length === 1 ? (values[0] as string) : [...values];
}
