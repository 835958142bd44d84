/** IAM/STS identities: parsing principal ARNs, building role and session ARNs, stable unique ids. */
import { createHash } from 'node:crypto';

/** A principal ARN taken apart. */
export type Principal =
  | { readonly kind: 'root'; readonly arn: string; readonly accountId: string }
  | { readonly kind: 'user'; readonly arn: string; readonly accountId: string; readonly name: string }
  | {
      readonly kind: 'assumed-role';
      readonly arn: string;
      readonly accountId: string;
      readonly roleName: string;
      readonly sessionName: string;
    };

const ROOT_ARN = /^arn:aws:iam::(\d{12}):root$/;
const USER_ARN = /^arn:aws:iam::(\d{12}):user\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;
const ASSUMED_ROLE_ARN = /^arn:aws:sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\/([\w+=,.@-]+)$/;
const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;

/** Parses the ARN of a caller (root, IAM user, or assumed-role session); undefined for anything else. */
export function parsePrincipalArn(arn: string): Principal | undefined {
  const root = ROOT_ARN.exec(arn);
  if (root?.[1] !== undefined) return { kind: 'root', arn, accountId: root[1] };
  const user = USER_ARN.exec(arn);
  if (user?.[1] !== undefined && user[2] !== undefined) {
    return { kind: 'user', arn, accountId: user[1], name: user[2] };
  }
  const session = ASSUMED_ROLE_ARN.exec(arn);
  if (session?.[1] !== undefined && session[2] !== undefined && session[3] !== undefined) {
    return {
      kind: 'assumed-role',
      arn,
      accountId: session[1],
      roleName: session[2],
      sessionName: session[3],
    };
  }
  return undefined;
}

/** `arn:aws:iam::<account>:role/<name>`. */
export function roleArn(accountId: string, roleName: string): string {
  return `arn:aws:iam::${accountId}:role/${roleName}`;
}

/** The session principal: `arn:aws:sts::<account>:assumed-role/<role>/<session>` (the role path is omitted). */
export function assumedRoleArn(accountId: string, roleName: string, sessionName: string): string {
  return `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;
}

/** The account and role name of a role ARN, path ignored; undefined when it is not one. */
export function parseRoleArn(arn: string): { accountId: string; roleName: string } | undefined {
  const match = ROLE_ARN.exec(arn);
  return match?.[1] !== undefined && match[2] !== undefined
    ? { accountId: match[1], roleName: match[2] }
    : undefined;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * An IAM unique id (`AROA…` for roles, `AIDA…` for users): 21 characters, stable for the same account and name
 * so that ids survive an emulator restart (IAM would mint a new one for a re-created role).
 */
export function uniqueId(prefix: 'AROA' | 'AIDA', accountId: string, name: string): string {
  const digest = createHash('sha256').update(`${prefix}:${accountId}:${name}`).digest();
  // 32 symbols divide 256 evenly, so `byte % 32` is unbiased.
  const body = [...digest.subarray(0, 17)].map((byte) => ID_ALPHABET[byte % 32]).join('');
  return `${prefix}${body}`;
}

/** `GetCallerIdentity`'s `UserId` of a principal. */
export function userIdOf(principal: Principal): string {
  switch (principal.kind) {
    case 'root':
      return principal.accountId;
    case 'user':
      return uniqueId('AIDA', principal.accountId, principal.name);
    case 'assumed-role':
      return `${uniqueId('AROA', principal.accountId, principal.roleName)}:${principal.sessionName}`;
  }
}

/**
 * Whether a trust policy's principal entry admits the caller: `*`; the account (root ARN or bare id); a role
 * ARN for every session of that role; otherwise the exact ARN.
 */
export function trustPrincipalMatches(entry: string, caller: Principal): boolean {
  if (entry === '*' || entry === caller.arn) return true;
  if (entry === caller.accountId || entry === `arn:aws:iam::${caller.accountId}:root`) return true;
  const role = parseRoleArn(entry);
  return (
    role !== undefined &&
    caller.kind === 'assumed-role' &&
    role.accountId === caller.accountId &&
    role.roleName === caller.roleName
  );
}
