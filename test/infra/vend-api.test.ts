/** The REST API: exactly the six routes, proxied to the function; throttled, logged, traced; CORS on demand. */
import { Match } from 'aws-cdk-lib/assertions';
import { render, routesOf, synth } from './synth';

const WEB_ACL_ARN = 'arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/credvend/abc-123';

describe('VendApi', () => {
  const synthesized = synth({ throttle: { rateLimit: 20, burstLimit: 40 } });
  const { stack, template } = synthesized;
  const configured = synth({
    allowedOrigins: ['https://app.example.com'],
    webAclArn: WEB_ACL_ARN,
    apiGatewayCloudWatchRole: false,
  });
  const stage = synthesized.resourceOf(stack.api.restApi.deploymentStage).Properties as Record<
    string,
    unknown
  >;

  it('serves exactly the six routes of the function', () => {
    expect(routesOf(synthesized)).toEqual([
      'GET /health',
      'GET /v1/credentials/container',
      'GET /v1/credentials/process',
      'GET /v1/tenant',
      'POST /v1/credentials',
      'POST /v1/credentials/dry-run',
    ]);
  });

  it('proxies every route to the vend function (Lambda proxy, v1 events), authenticating in the function', () => {
    const functionArn = stack.resolve(stack.vendFunction.function.functionArn);
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method'));
    expect(methods).toHaveLength(6);
    for (const method of methods) {
      expect(method.Properties).toMatchObject({
        AuthorizationType: 'NONE',
        Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' },
      });
      expect(JSON.stringify(method.Properties.Integration.Uri)).toContain(JSON.stringify(functionArn));
    }
  });

  it('lets API Gateway invoke the function from this stage only, one permission per route', () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission'));
    expect(permissions).toHaveLength(6);
    for (const permission of permissions) {
      expect(permission.Properties.Principal).toBe('apigateway.amazonaws.com');
      expect(render(permission.Properties.SourceArn)).toMatch(
        /^arn:aws:execute-api:.+\/<ApiRestApiDeploymentStage\w+>\/(GET|POST)\//,
      );
    }
  });

  it('is a regional HTTPS endpoint', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    template.hasOutput('ApiUrl', {
      Value: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['https://'])] }),
    });
  });

  it('throttles the whole stage with the configured rate and burst', () => {
    expect(stage.MethodSettings).toEqual([
      expect.objectContaining({
        HttpMethod: '*',
        ResourcePath: '/*',
        ThrottlingRateLimit: 20,
        ThrottlingBurstLimit: 40,
      }),
    ]);
  });

  it('throttles at 50 rps with bursts of 100 by default', () => {
    const defaults = synth();
    expect(defaults.resourceOf(defaults.stack.api.restApi.deploymentStage).Properties.MethodSettings).toEqual(
      [expect.objectContaining({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 })],
    );
  });

  it('writes one JSON access log line per request to its own log group', () => {
    const logGroupId = synthesized.logicalIdOf(stack.api.accessLogGroup);
    const setting = stage.AccessLogSetting as { DestinationArn: string; Format: string };
    expect(setting.DestinationArn).toBe(`<${logGroupId}.Arn>`);
    const format = JSON.parse(setting.Format) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      sourceIp: '$context.identity.sourceIp',
      httpMethod: '$context.httpMethod',
      resourcePath: '$context.resourcePath',
      status: '$context.status',
      integrationLatency: '$context.integrationLatency',
    });
    expect(synthesized.resourceOf(stack.api.accessLogGroup).Properties).toEqual({ RetentionInDays: 365 });
  });

  it('logs execution errors without ever logging request or response data, and traces with X-Ray', () => {
    expect(stage.MethodSettings).toEqual([
      expect.objectContaining({ LoggingLevel: 'ERROR', DataTraceEnabled: false, MetricsEnabled: true }),
    ]);
    expect(stage.TracingEnabled).toBe(true);
  });

  it("sets the account's API Gateway logging role, retained beyond the stack, unless told not to", () => {
    template.hasResource('AWS::ApiGateway::Account', { DeletionPolicy: 'Retain' });
    configured.template.resourceCountIs('AWS::ApiGateway::Account', 0);
  });

  it("answers API Gateway's own refusals in the function's error shape", () => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'MISSING_AUTHENTICATION_TOKEN',
      StatusCode: '404',
      ResponseTemplates: {
        'application/json': JSON.stringify({
          error: { code: 'NOT_FOUND', message: 'No such route.', requestId: '$context.requestId' },
        }),
      },
    });
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'THROTTLED',
      StatusCode: '429',
    });
  });

  it('answers no CORS preflight without allowed origins', () => {
    template.resourcePropertiesCountIs('AWS::ApiGateway::Method', { HttpMethod: 'OPTIONS' }, 0);
  });

  it('answers CORS preflights for the allowed origins on every route', () => {
    const preflights = Object.values(
      configured.template.findResources('AWS::ApiGateway::Method', {
        Properties: { HttpMethod: 'OPTIONS' },
      }),
    );
    // One per resource, the intermediate /v1 and the root included.
    expect(preflights.length).toBeGreaterThanOrEqual(6);
    for (const preflight of preflights) {
      const responseParameters = preflight.Properties.Integration.IntegrationResponses[0].ResponseParameters;
      expect(responseParameters['method.response.header.Access-Control-Allow-Origin']).toBe(
        "'https://app.example.com'",
      );
      expect(responseParameters['method.response.header.Access-Control-Allow-Headers']).toBe(
        "'Authorization,Content-Type'",
      );
    }
  });

  it('associates the stage with a WAF web ACL when one is given', () => {
    configured.template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      WebACLArn: WEB_ACL_ARN,
      ResourceArn: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':apigateway:', '::/restapis/'])] }),
    });
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
  });
});
