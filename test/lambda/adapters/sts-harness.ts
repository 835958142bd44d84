/**
 * What the tests of the two STS issuers share: alice of acme's plans, the credentials STS issues, the errors it raises
 * with codes the SDK does not model, and a local HTTP endpoint that stands in for STS for the real SDK client.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { STSServiceException } from '@aws-sdk/client-sts';
import { authorize } from '../../../lambda/core/authorize';
import type { SessionPlan, Tenant } from '../../../lambda/core/model';
import { planSession } from '../../../lambda/core/session-plan';
import { registerSecret } from '../../support/leak-scan';
import { ACME, ALICE } from '../core/fixtures';

export const ROLE_ARN = 'arn:aws:iam::123456789012:role/credvend-tenant-access';
export const REJECTED_MESSAGE =
  'The credential issuer refused to issue credentials for this tenant; the platform team has to act.';
export const UNAVAILABLE_MESSAGE = 'The credential issuer is temporarily unavailable; retry shortly.';

/** What STS answers in `Credentials` (secrets registered for the leak scan). */
export const ISSUED = {
  AccessKeyId: 'ASIAISSUED0000000001',
  SecretAccessKey: 'issued-secret-access-key-0001',
  SessionToken: 'issued-session-token-0001-FwoGZXIvYXdzEJr',
  Expiration: new Date('2030-01-01T00:00:00Z'),
};
registerSecret(ISSUED.SecretAccessKey);
registerSecret(ISSUED.SessionToken);
export const ASSUMED_ROLE_ARN =
  'arn:aws:sts::123456789012:assumed-role/credvend-tenant-access/acme.alice.c0ffee00';
/** The `AssumedRoleUser` of an answer for alice of acme. */
export const ASSUMED_ROLE_USER = { Arn: ASSUMED_ROLE_ARN, AssumedRoleId: 'AROAEXAMPLE:acme.alice.c0ffee00' };
/** What an issuer returns for an answer with `ISSUED` and `ASSUMED_ROLE_USER`. */
export const ISSUED_CREDENTIALS = {
  accessKeyId: ISSUED.AccessKeyId,
  secretAccessKey: ISSUED.SecretAccessKey,
  sessionToken: ISSUED.SessionToken,
  expiration: ISSUED.Expiration,
  assumedRoleArn: ASSUMED_ROLE_ARN,
};

/** Acme with a role of its own, which its trust policy guards with an external id. */
export const ACME_OWN_ROLE: Tenant = {
  ...ACME,
  roleArn: 'arn:aws:iam::210987654321:role/acme-data',
  externalId: 'acme-external-1',
};

/** `planFor(overrides, tenant)`: a plan as the core makes it for alice of `tenant` (by default `defaultTenant`). */
export function plannerFor(defaultTenant: Tenant) {
  return (overrides: Partial<SessionPlan> = {}, tenant: Tenant = defaultTenant): SessionPlan => {
    const plan = planSession(
      { principal: ALICE, tenant, requestId: 'c0ffee00-1111-2222', defaultRoleArn: ROLE_ARN },
      authorize(tenant, {}, ['eu-west-1', 'us-east-1']),
    );
    return { ...plan, ...overrides };
  };
}

/** An error STS reports with a code the SDK does not model (Throttling, AccessDenied, ValidationError...). */
export function unmodeled(name: string, message: string, httpStatusCode: number): STSServiceException {
  return new STSServiceException({
    name,
    message,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode },
  });
}

/** How the local endpoint answers a request. */
export type Respond = (response: ServerResponse) => void;

/** An AWS-shaped STS error answer. */
export const stsError =
  (status: number, code: string, message: string): Respond =>
  (response) => {
    response
      .writeHead(status, { 'content-type': 'text/xml' })
      .end(
        `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>c0ffee</RequestId></ErrorResponse>`,
      );
  };

/** One request the endpoint received. */
export interface ReceivedRequest {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Settles when the request's connection closes. */
  readonly closed: Promise<void>;
}

/** The local endpoint, as the enclosing `describe`'s tests see it. */
export interface StsEndpoint {
  /** `http://127.0.0.1:PORT`, set before the first test. */
  readonly url: string;
  /** What the current test's requests get. */
  respond: Respond;
  /** The current test's requests, in order. */
  readonly received: ReceivedRequest[];
}

/**
 * Listens on a free loopback port for the enclosing `describe`; each test starts with no requests received, and
 * after each test every connection is closed.
 */
export function localStsEndpoint(): StsEndpoint {
  let server: Server;
  const endpoint = {
    url: '',
    respond: (() => {}) as Respond,
    received: [] as ReceivedRequest[],
  };
  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      const closed = new Promise<void>((resolve) => request.socket.once('close', () => resolve()));
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        endpoint.received.push({
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          closed,
        });
        endpoint.respond(response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    endpoint.received.length = 0;
  });
  afterEach(() => {
    server.closeAllConnections();
  });
  afterAll(async () => {
    await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  });
  return endpoint;
}
