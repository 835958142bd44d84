/** STS as a query-protocol service: its version, namespace, signing name and actions, and the context they consult. */
import type { QueryContext, QueryService } from '../query-protocol/request';
import { type ActionContext, NOT_EMULATED_ACTIONS } from './actions/action-context';
import { assumeRole } from './actions/assume-role';
import { assumeRoleWithWebIdentity } from './actions/assume-role-with-web-identity';
import { getCallerIdentity } from './actions/get-caller-identity';
import { getSessionToken } from './actions/get-session-token';

export const STS_VERSION = '2011-06-15';

/** Everything an STS request may consult. */
export type EmulatorContext = QueryContext<ActionContext>;

/**
 * The STS service: the actions the emulator answers (AssumeRoleWithWebIdentity without a signature), and the real
 * ones it refuses with a message saying so.
 */
export const STS_SERVICE: QueryService<ActionContext> = {
  frontName: 'STS emulator',
  signingName: 'sts',
  version: STS_VERSION,
  namespace: `https://sts.amazonaws.com/doc/${STS_VERSION}/`,
  actions: new Map([
    ['AssumeRole', assumeRole],
    ['GetCallerIdentity', getCallerIdentity],
    ['GetSessionToken', getSessionToken],
  ]),
  // The token is the credential: STS takes these unsigned (a signed request is authenticated all the same).
  unsignedActions: new Map([['AssumeRoleWithWebIdentity', assumeRoleWithWebIdentity]]),
  notImplemented: (action) => NOT_EMULATED_ACTIONS.has(action),
};
