/**
 * Who may use a key of the KMS front: authentication as KMS's JSON front end does it (SigV4 against the account's long-term
 * credentials and STS sessions, in KMS's error words and its 5 minutes of skew), then IAM's decision over the key policy
 * with the caller's identity and session policies, refused in KMS's access-denied wording; and injected latency and
 * throttling.
 */
import { GetPublicKeyCommand, SignCommand } from '@aws-sdk/client-kms';
import { SIGNATURE_MISMATCH_MESSAGE } from '../../../sandbox/query-protocol/errors';
import { refusal } from '../../support/async';
import {
  AUDITOR,
  AUDITOR_ARN,
  DELEGATED_KEY_ID,
  EC_ARN,
  EC_KEY_ID,
  FUNCTION,
  type KmsFixture,
  keyArn,
  OUTSIDER,
  OUTSIDER_ARN,
  rawKmsRequest,
  SIGNER,
  SIGNER_SESSION_ARN,
  signerKeyPolicy,
  startKmsFixture,
} from './kms-harness';

let fixture: KmsFixture;
const MESSAGE = new TextEncoder().encode('header.payload');
const signRequest = (KeyId = EC_KEY_ID, MessageType: 'RAW' | 'DIGEST' = 'RAW') =>
  new SignCommand({
    KeyId,
    Message: MessageType === 'RAW' ? MESSAGE : new Uint8Array(32),
    MessageType,
    SigningAlgorithm: 'ECDSA_SHA_256',
  });

beforeAll(async () => {
  fixture = await startKmsFixture();
});
afterAll(() => fixture.close());

const denied = (caller: string, action: string, key: string, why: string) => ({
  name: 'AccessDeniedException',
  status: 400,
  message: `User: ${caller} is not authorized to perform: ${action} on resource: ${key} ${why}`,
});

describe('the KMS front, authorizing by the key policy', () => {
  it('lets a session of a role the key policy names sign, without any identity policy of the role', async () => {
    const session = fixture.client(fixture.signerSession());

    await expect(session.send(signRequest())).resolves.toMatchObject({ KeyId: EC_ARN });
  });

  it("lets pre-issued credentials of the role's session sign too (the sandbox's vend function has such)", async () => {
    await expect(fixture.client(FUNCTION).send(signRequest())).resolves.toMatchObject({ KeyId: EC_ARN });
  });

  it('refuses a caller the key policy does not name, whatever its own policies allow', async () => {
    const outsider = fixture.client(OUTSIDER);

    expect(await refusal(outsider.send(signRequest()))).toEqual(
      denied(OUTSIDER_ARN, 'kms:Sign', EC_ARN, 'because no resource-based policy allows the kms:Sign action'),
    );
    expect(await refusal(outsider.send(new GetPublicKeyCommand({ KeyId: EC_KEY_ID })))).toEqual(
      denied(
        OUTSIDER_ARN,
        'kms:GetPublicKey',
        EC_ARN,
        'because no resource-based policy allows the kms:GetPublicKey action',
      ),
    );
  });

  it('defers to identity policies for a key whose policy grants the account, as the default key policy does', async () => {
    const auditor = fixture.client(AUDITOR);
    const delegated = keyArn(DELEGATED_KEY_ID);

    await expect(auditor.send(new GetPublicKeyCommand({ KeyId: DELEGATED_KEY_ID }))).resolves.toMatchObject({
      KeyId: delegated,
    });
    expect(await refusal(auditor.send(signRequest(DELEGATED_KEY_ID)))).toEqual(
      denied(
        AUDITOR_ARN,
        'kms:Sign',
        delegated,
        'because no identity-based policy allows the kms:Sign action',
      ),
    );
    // The signer's own credentials carry no identity policy: the account-wide grant alone does not let it sign.
    expect((await refusal(fixture.client(SIGNER).send(signRequest(DELEGATED_KEY_ID)))).message).toMatch(
      /because no identity-based policy allows the kms:Sign action$/,
    );
  });

  it("applies an explicit deny of the key policy on KMS's condition keys, at once", async () => {
    const key = fixture.account.keys.get(EC_KEY_ID);
    const session = fixture.client(fixture.signerSession());
    key?.putPolicy({
      Version: '2012-10-17',
      Statement: [
        ...signerKeyPolicy().Statement,
        {
          Sid: 'NoDigests',
          Effect: 'Deny',
          Principal: '*',
          Action: 'kms:Sign',
          Resource: '*',
          Condition: { StringEquals: { 'kms:MessageType': 'DIGEST' } },
        },
      ],
    });
    try {
      await expect(session.send(signRequest(EC_KEY_ID, 'RAW'))).resolves.toMatchObject({ KeyId: EC_ARN });
      expect(await refusal(session.send(signRequest(EC_KEY_ID, 'DIGEST')))).toEqual(
        denied(SIGNER_SESSION_ARN, 'kms:Sign', EC_ARN, 'with an explicit deny in a resource-based policy'),
      );
    } finally {
      key?.putPolicy(signerKeyPolicy());
    }
  });

  it("holds a session to its session policy even where the key policy names the session's role", async () => {
    const session = fixture.client(
      fixture.signerSession({
        policy: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'kms:GetPublicKey', Resource: '*' }],
        },
      }),
    );

    await expect(session.send(new GetPublicKeyCommand({ KeyId: EC_KEY_ID }))).resolves.toMatchObject({
      KeyId: EC_ARN,
    });
    expect(await refusal(session.send(signRequest()))).toEqual(
      denied(SIGNER_SESSION_ARN, 'kms:Sign', EC_ARN, 'because no session policy allows the kms:Sign action'),
    );
  });

  it('looks the key up before authorizing, and authorizes before looking at its state', async () => {
    const outsider = fixture.client(OUTSIDER);
    const key = fixture.account.keys.get(EC_KEY_ID);
    key?.setEnabled(false);
    try {
      expect((await refusal(outsider.send(signRequest()))).name).toBe('AccessDeniedException');
    } finally {
      key?.setEnabled(true);
    }
    expect((await refusal(outsider.send(signRequest('5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a')))).name).toBe(
      'NotFoundException',
    );
  });
});

describe('the KMS front, authenticating as KMS does', () => {
  const describeKeyBody = JSON.stringify({ KeyId: EC_KEY_ID });

  it('answers an unknown access key with UnrecognizedClientException (400)', async () => {
    const stranger = fixture.client({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x'.repeat(40) });

    expect(await refusal(stranger.send(signRequest()))).toEqual({
      name: 'UnrecognizedClientException',
      status: 400,
      message: 'The security token included in the request is invalid.',
    });
  });

  it('answers a signature made with the wrong secret with InvalidSignatureException (400)', async () => {
    const forged = fixture.client({
      accessKeyId: SIGNER.accessKeyId,
      secretAccessKey: 'not-the-signer-secret',
    });

    expect(await refusal(forged.send(signRequest()))).toEqual({
      name: 'InvalidSignatureException',
      status: 400,
      message: SIGNATURE_MISMATCH_MESSAGE,
    });
  });

  it('answers an unsigned request with MissingAuthenticationTokenException and a malformed header with IncompleteSignatureException', async () => {
    const unsigned = await rawKmsRequest(fixture.kms.url, {
      target: 'TrentService.DescribeKey',
      body: describeKeyBody,
    });

    expect(unsigned).toEqual({
      status: 400,
      body: {
        __type: 'MissingAuthenticationTokenException',
        message: 'Request is missing Authentication Token',
      },
    });
    const header = `AWS4-HMAC-SHA256 Credential=${SIGNER.accessKeyId}/20260101/eu-west-1/kms/aws4_request`;
    const response = await fetch(fixture.kms.url, {
      method: 'POST',
      headers: {
        authorization: header,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'TrentService.DescribeKey',
      },
      body: describeKeyBody,
    });
    expect({ status: response.status, body: await response.json() }).toEqual({
      status: 400,
      body: {
        __type: 'IncompleteSignatureException',
        message:
          "Authorization header requires 'SignedHeaders' parameter. Authorization header requires 'Signature' " +
          `parameter. Authorization=${header}`,
      },
    });
  });

  it('refuses a session key without its token, and an expired session with ExpiredTokenException', async () => {
    const session = fixture.signerSession({ durationSeconds: 900 });
    const withoutToken = fixture.client({
      accessKeyId: session.accessKeyId,
      secretAccessKey: session.secretAccessKey,
    });

    expect((await refusal(withoutToken.send(signRequest()))).name).toBe('UnrecognizedClientException');
    fixture.advanceClock(901_000);
    try {
      expect(await refusal(fixture.client(session).send(signRequest()))).toEqual({
        name: 'ExpiredTokenException',
        status: 400,
        message: 'The security token included in the request is expired',
      });
    } finally {
      fixture.advanceClock(-901_000);
    }
  });

  it('refuses a request signed for another region (KMS is regional)', async () => {
    const answer = await rawKmsRequest(fixture.kms.url, {
      target: 'TrentService.DescribeKey',
      body: describeKeyBody,
      credentials: SIGNER,
      region: 'us-east-1',
    });

    expect(answer).toEqual({
      status: 400,
      body: {
        __type: 'InvalidSignatureException',
        message: 'Credential should be scoped to a valid region. ',
      },
    });
  });

  it('allows 5 minutes of clock skew, not more', async () => {
    const signedAt = (ms: number) =>
      rawKmsRequest(fixture.kms.url, {
        target: 'TrentService.DescribeKey',
        body: describeKeyBody,
        credentials: SIGNER,
        signingDate: new Date(Date.now() + ms),
      });

    expect((await signedAt(-4 * 60_000)).status).toBe(200);
    const late = await signedAt(-6 * 60_000);
    expect(late.status).toBe(400);
    expect(late.body).toMatchObject({
      __type: 'InvalidSignatureException',
      message: expect.stringMatching(
        /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/,
      ),
    });
  });
});

describe('the KMS front, injecting latency and faults', () => {
  afterEach(() => fixture.kms.setFaults({}));

  it('delays every answer by latencyMs', async () => {
    const kms = fixture.client(SIGNER);
    fixture.kms.setFaults({ latencyMs: 150 });

    const started = performance.now();
    await kms.send(new GetPublicKeyCommand({ KeyId: EC_KEY_ID }));

    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('throttles the next requests as KMS does, which the SDK retries', async () => {
    fixture.kms.setFaults({ failNext: { code: 'ThrottlingException', count: 1 } });
    const once = await refusal(fixture.client(SIGNER).send(signRequest()));
    fixture.kms.setFaults({ failNext: { code: 'ThrottlingException', count: 1 } });
    const retried = await fixture.client(SIGNER, 2).send(signRequest());

    expect(once).toEqual({
      name: 'ThrottlingException',
      status: 400,
      message: 'You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.',
    });
    expect(retried.$metadata.attempts).toBe(2);
  });

  it('refuses a fault configuration that cannot mean anything', () => {
    expect(() => fixture.kms.setFaults({ throttleRate: 1.5 })).toThrow(
      new RangeError('throttleRate must be within 0..1, got 1.5'),
    );
    expect(() => fixture.kms.setFaults({ latencyMs: -1 })).toThrow(RangeError);
  });
});
