/** Deliberately broken policy builders: the isolation checker must find a counterexample for each. */
import { ACCESS_LEVELS } from '../../lambda/core/model';
import { buildSessionPolicy } from '../../lambda/core/session-policy';
import { tenantAccessRolePolicy } from '../support/iam-harness';
import type { RolePolicyBuilder, SessionPolicyBuilder } from './isolation-checker';

/** Drops the trailing `/` of each prefix: `tenants/acme/r/` becomes `tenants/acme/r*`, which matches `tenants/acme/rx/`. */
export const droppingTrailingSlash: SessionPolicyBuilder = (scope) =>
  buildSessionPolicy(scope.map((grant) => ({ ...grant, prefix: grant.prefix.replace(/\/$/, '') })));

/** Puts the caller's text into the policy as it came: `*`, `?` and `${...}` keep their policy meaning. */
export const leavingTextUnescaped: SessionPolicyBuilder = (scope) =>
  buildSessionPolicy(scope).replaceAll('${*}', '*').replaceAll('${?}', '?').replaceAll('${$}', '$');

/** Ignores the requested access levels and grants them all. */
export const grantingEveryLevel: SessionPolicyBuilder = (scope) =>
  buildSessionPolicy(scope.map((grant) => ({ ...grant, access: [...ACCESS_LEVELS] })));

/** Sends no session policy when nothing is granted, so the session gets everything the role has. */
export const omittingEmptyPolicy: SessionPolicyBuilder = (scope) =>
  scope.length === 0 ? undefined : buildSessionPolicy(scope);

/** A role policy whose prefix lacks the trailing `/`: tenant `a` reaches `tenants/ab/`. */
export const roleWithoutTrailingSlash: RolePolicyBuilder = (model) =>
  tenantAccessRolePolicy({ ...model, prefixTemplate: model.prefixTemplate.replace(/\/$/, '') });
