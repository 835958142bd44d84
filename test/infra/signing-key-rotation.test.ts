/**
 * Rotating web-identity mode's signing key with `cdk deploy` alone: `webIdentitySigningKeys` names the keys in order,
 * the first signs, all are published. Adding a key second, moving it first, then dropping the old one are three
 * deploys that never replace a key (each keeps its pinned logical ID) and never delete one (keys are retained).
 */

import { SIGNING_KEY_LOGICAL_ID, signingKeyLogicalId } from '../../lib/constructs/web-identity';
import { InvalidContextError, propsFromContext } from '../../lib/context-config';
import type { CredvendStackProps } from '../../lib/credvend-stack';
import { type PolicyStatement, render, type Synthesized, synth } from './synth';

const withKeys = (signingKeys: readonly string[]): CredvendStackProps => ({
  sessionMode: { kind: 'web-identity', signingKeys },
});

/** What one deploy of a rotation declares: the keys, what the function signs with and publishes, the outputs. */
function declared(synthesized: Synthesized) {
  const { stack, template } = synthesized;
  const variables = (
    synthesized.resourceOf(stack.vendFunction.function).Properties as {
      Environment: { Variables: Record<string, unknown> };
    }
  ).Environment.Variables;
  const signerStatement = (
    synthesized.resourceOf(stack.vendFunction.role.node.findChild('DefaultPolicy')).Properties as {
      PolicyDocument: { Statement: PolicyStatement[] };
    }
  ).PolicyDocument.Statement.find((statement) => statement.Sid === 'SignWebIdentityTokens');
  const outputs = template.findOutputs('*');
  return {
    keys: Object.keys(template.findResources('AWS::KMS::Key')).sort(),
    retained: Object.values(template.findResources('AWS::KMS::Key')).every(
      (key) => key.DeletionPolicy === 'Retain' && key.UpdateReplacePolicy === 'Retain',
    ),
    signingKeyIds: render(variables.SIGNING_KEY_IDS),
    // CDK sorts a statement's resources: the order that matters is SIGNING_KEY_IDS'.
    signerMay: [signerStatement?.Resource ?? []].flat().sort(),
    signingKeyOutput: render(outputs.SigningKeyArn?.Value),
    publishedOutput: render(outputs.PublishedKeyArns?.Value),
  };
}

const arn = (name: string) => `<${signingKeyLogicalId(name)}.Arn>`;

describe('rotating the signing key', () => {
  it('starts with one key, the primary, whose logical ID is the one every stack had', () => {
    expect(signingKeyLogicalId('primary')).toBe(SIGNING_KEY_LOGICAL_ID);
    expect(declared(synth({ sessionMode: { kind: 'web-identity' } }))).toEqual({
      keys: [SIGNING_KEY_LOGICAL_ID],
      retained: true,
      signingKeyIds: arn('primary'),
      signerMay: [arn('primary')],
      signingKeyOutput: arn('primary'),
      publishedOutput: arn('primary'),
    });
  });

  it('publishes a new key second, while the old one still signs', () => {
    expect(declared(synth(withKeys(['primary', 'k2'])))).toEqual({
      keys: [SIGNING_KEY_LOGICAL_ID, 'WebIdentitySigningKeyK2'],
      retained: true,
      signingKeyIds: `${arn('primary')},${arn('k2')}`,
      signerMay: [arn('primary'), arn('k2')],
      signingKeyOutput: arn('primary'),
      publishedOutput: `${arn('primary')},${arn('k2')}`,
    });
  });

  it('then signs with the new key and still publishes the old one, replacing neither', () => {
    expect(declared(synth(withKeys(['k2', 'primary'])))).toEqual({
      keys: [SIGNING_KEY_LOGICAL_ID, 'WebIdentitySigningKeyK2'],
      retained: true,
      signingKeyIds: `${arn('k2')},${arn('primary')}`,
      signerMay: [arn('primary'), arn('k2')],
      signingKeyOutput: arn('k2'),
      publishedOutput: `${arn('k2')},${arn('primary')}`,
    });
  });

  it('then drops the old key from the stack (CloudFormation retains it, for its deletion to be scheduled)', () => {
    expect(declared(synth(withKeys(['k2'])))).toEqual({
      keys: ['WebIdentitySigningKeyK2'],
      retained: true,
      signingKeyIds: arn('k2'),
      signerMay: [arn('k2')],
      signingKeyOutput: arn('k2'),
      publishedOutput: arn('k2'),
    });
  });

  it.each([
    [['primary', 'k2', 'k3'], 'webIdentitySigningKeys: name 1 to 2 keys (the one that signs first), not 3'],
    [['primary', 'Key-2'], 'webIdentitySigningKeys: "Key-2" must match'],
    [['k2', 'k2'], 'webIdentitySigningKeys: a key is named twice'],
  ])('refuses the context %j', (signingKeys, message) => {
    const read = () => propsFromContext({ sessionMode: 'web-identity', webIdentitySigningKeys: signingKeys });

    expect(read).toThrow(InvalidContextError);
    expect(read).toThrow(message);
  });

  it('refuses signing keys in role-chaining mode, and reads them in web-identity mode', () => {
    expect(() => propsFromContext({ webIdentitySigningKeys: 'k2' })).toThrow(
      'webIdentitySigningKeys: only applies with sessionMode=web-identity',
    );
    expect(
      propsFromContext({ sessionMode: 'web-identity', webIdentitySigningKeys: 'k2,primary' }).sessionMode,
    ).toEqual({ kind: 'web-identity', signingKeys: ['k2', 'primary'] });
  });
});
