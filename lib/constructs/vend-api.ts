/**
 * The public face: an API Gateway REST API (HTTPS, throttled, JSON access logs) proxying the six routes to the
 * vend function (and, in web-identity mode, the issuer's two public discovery routes). REST rather than HTTP API for
 * private endpoints, WAF, usage plans and per-method throttling.
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  type IResource,
  LambdaIntegration,
  LogGroupLogDestination,
  type Method,
  MethodLoggingLevel,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';

/** The routes the function serves (it routes on `event.resource` + `httpMethod`). */
export const ROUTES = [
  { method: 'GET', path: '/health' },
  { method: 'GET', path: '/v1/tenant' },
  { method: 'POST', path: '/v1/credentials' },
  { method: 'POST', path: '/v1/credentials/dry-run' },
  { method: 'GET', path: '/v1/credentials/container' },
  { method: 'GET', path: '/v1/credentials/process' },
] as const;

/**
 * The routes of credvend as an OIDC issuer (web-identity mode), relative to the stage, i.e. to the issuer URL: STS
 * reads them without credentials to verify the tokens the function signs.
 */
export const OIDC_DISCOVERY_ROUTES = [
  { method: 'GET', path: '/.well-known/openid-configuration' },
  { method: 'GET', path: '/.well-known/jwks.json' },
] as const;

/** Stage-wide throttling. */
export interface ThrottleSettings {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Burst capacity (token bucket size). */
  readonly burstLimit: number;
}

/** Properties of {@link VendApi}. */
export interface VendApiProps {
  /** The vend function every route proxies to. */
  readonly handler: IFunction;
  /** The stage name (part of the URL). */
  readonly stageName: string;
  /**
   * Stage-wide throttling; protects the STS quota (600 AssumeRole/s per account and region) and the function.
   * @default { rateLimit: 50, burstLimit: 100 }
   */
  readonly throttle?: ThrottleSettings;
  /**
   * Origins allowed by CORS (the preflight is answered by API Gateway; the function echoes the origin).
   * @default - no CORS
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * Retention of the access log group.
   * @default RetentionDays.ONE_YEAR
   */
  readonly accessLogRetention?: RetentionDays;
  /**
   * X-Ray tracing of the stage.
   * @default true
   */
  readonly tracing?: boolean;
  /**
   * Set the account's API Gateway CloudWatch Logs role (needed once per account and region for access and
   * execution logs). Turn off where the account already has one.
   * @default true
   */
  readonly createCloudWatchRole?: boolean;
  /**
   * A regional AWS WAFv2 web ACL to associate with the stage.
   * @default - none
   */
  readonly webAclArn?: string;
  /**
   * Serve `OIDC_DISCOVERY_ROUTES` (public, no authorizer): the function is an OIDC issuer (web-identity mode).
   * @default false
   */
  readonly oidcDiscovery?: boolean;
}

/** API Gateway's own refusals, in the function's error shape. */
const GATEWAY_ERRORS = [
  {
    type: ResponseType.MISSING_AUTHENTICATION_TOKEN,
    status: '404',
    code: 'NOT_FOUND',
    message: 'No such route.',
  },
  {
    type: ResponseType.THROTTLED,
    status: '429',
    code: 'THROTTLED',
    message: 'Too many requests; retry later.',
  },
  { type: ResponseType.DEFAULT_5XX, code: 'INTERNAL_ERROR', message: 'Internal error.' },
] as const;

/** The REST API, its stage and its access logs. */
export class VendApi extends Construct {
  /** The REST API. */
  public readonly restApi: RestApi;
  /** The access log group. */
  public readonly accessLogGroup: LogGroup;
  /** The stage name (the last part of the base URL). */
  public readonly stageName: string;
  /** The public discovery methods (`OIDC_DISCOVERY_ROUTES`), with their invoke permissions; none unless asked for. */
  public readonly discoveryMethods: readonly Method[];

  constructor(scope: Construct, id: string, props: VendApiProps) {
    super(scope, id);
    const throttle = props.throttle ?? { rateLimit: 50, burstLimit: 100 };
    const origins = props.allowedOrigins ?? [];
    const createCloudWatchRole = props.createCloudWatchRole ?? true;
    this.stageName = props.stageName;

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? RetentionDays.ONE_YEAR,
    });

    this.restApi = new RestApi(this, 'RestApi', {
      restApiName: `credvend-${props.stageName}`,
      description: 'credvend: tenant-scoped, short-lived AWS credentials for JWT-authenticated callers',
      endpointTypes: [EndpointType.REGIONAL],
      cloudWatchRole: createCloudWatchRole,
      // The account setting outlives this stack: other APIs in the account may log through the same role.
      ...(createCloudWatchRole && { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN }),
      deployOptions: {
        stageName: props.stageName,
        throttlingRateLimit: throttle.rateLimit,
        throttlingBurstLimit: throttle.burstLimit,
        accessLogDestination: new LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: accessLogFormat(),
        // Errors only, and never request or response data: responses carry credentials.
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: props.tracing ?? true,
      },
      ...(origins.length > 0 && {
        defaultCorsPreflightOptions: {
          allowOrigins: [...origins],
          allowMethods: ['GET', 'POST', 'OPTIONS'],
          allowHeaders: ['Authorization', 'Content-Type'],
        },
      }),
    });

    // The stack outputs the URL under a stable name; RestApi's own output would repeat it under a hashed one.
    this.restApi.node.tryRemoveChild('Endpoint');

    for (const error of GATEWAY_ERRORS) {
      this.restApi.addGatewayResponse(error.type.responseType, {
        type: error.type,
        ...('status' in error && { statusCode: error.status }),
        templates: {
          'application/json': JSON.stringify({
            error: { code: error.code, message: error.message, requestId: '$context.requestId' },
          }),
        },
      });
    }

    const integration = new LambdaIntegration(props.handler, { proxy: true, allowTestInvoke: false });
    for (const route of ROUTES) {
      const method = resourceAt(this.restApi.root, route.path).addMethod(route.method, integration);
      acknowledgeFunctionAuth(method, route.path === '/health');
    }
    this.discoveryMethods = (props.oidcDiscovery ? OIDC_DISCOVERY_ROUTES : []).map((route) => {
      const method = resourceAt(this.restApi.root, route.path).addMethod(route.method, integration, {
        authorizationType: AuthorizationType.NONE,
      });
      acknowledgePublicDiscovery(method);
      return method;
    });

    if (createCloudWatchRole) {
      acknowledge(
        this.restApi.node.findChild('CloudWatchRole'),
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        "API Gateway's account-wide logging role; AWS maintains this policy for exactly that purpose.",
      );
    }
    acknowledge(
      this.restApi,
      'AwsSolutions-APIG2',
      'The function is the single request validator (strict parsing, 16 KiB body limit, stable error codes); a ' +
        'gateway validator would answer in a different error shape and duplicate the rules.',
    );
    if (props.webAclArn === undefined) {
      acknowledge(
        this.restApi.deploymentStage,
        'AwsSolutions-APIG3',
        'A WAF web ACL is optional (context webAclArn) because it has a monthly cost and most platforms share one; ' +
          'requests are throttled per stage and every call needs a verified JWT.',
      );
    } else {
      new CfnWebACLAssociation(this, 'WebAcl', {
        resourceArn: this.restApi.deploymentStage.stageArn,
        webAclArn: props.webAclArn,
      });
    }
  }

  /** The invoke URL of the stage. */
  public get url(): string {
    return this.restApi.url;
  }

  /**
   * The stage's URL without the trailing slash (`https://<id>.execute-api.<region>.<suffix>/<stage>`): the issuer URL
   * in web-identity mode. Built from the REST API id and the stage *name*, not from the stage resource, so that what
   * refers to it (the function's environment) does not wait for the stage, which waits for the function's methods.
   */
  public get baseUrl(): string {
    const stack = Stack.of(this);
    return `https://${this.restApi.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}/${this.stageName}`;
  }
}

/** One JSON object per request; never headers, bodies or tokens. */
function accessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: AccessLogField.contextRequestId(),
      extendedRequestId: AccessLogField.contextExtendedRequestId(),
      requestTime: AccessLogField.contextRequestTime(),
      sourceIp: AccessLogField.contextIdentitySourceIp(),
      userAgent: AccessLogField.contextIdentityUserAgent(),
      httpMethod: AccessLogField.contextHttpMethod(),
      resourcePath: AccessLogField.contextResourcePath(),
      protocol: AccessLogField.contextProtocol(),
      status: AccessLogField.contextStatus(),
      responseLength: AccessLogField.contextResponseLength(),
      responseLatency: AccessLogField.contextResponseLatency(),
      integrationLatency: AccessLogField.contextIntegrationLatency(),
      integrationStatus: AccessLogField.contextIntegrationStatus(),
      errorMessage: AccessLogField.contextErrorMessage(),
      wafStatus: AccessLogField.contextWafResponseCode(),
      xrayTraceId: AccessLogField.contextXrayTraceId(),
    }),
  );
}

/** The resource at `path`, created on first use. */
function resourceAt(root: IResource, path: string): IResource {
  let resource = root;
  for (const part of path.split('/').filter((p) => p.length > 0)) {
    resource = resource.getResource(part) ?? resource.addResource(part);
  }
  return resource;
}

/** Every route authenticates in the function (or, for /health, not at all), so no gateway authorizer. */
function acknowledgeFunctionAuth(method: Method, isHealth: boolean): void {
  const reason = isHealth
    ? 'GET /health is the unauthenticated liveness probe; it returns {"status":"ok"} and touches nothing.'
    : 'The function verifies the JWT itself (aws-jwt-verify: signature via JWKS, issuer, audience, expiry, ' +
      'tenant claim) for Cognito and any OIDC issuer alike, so no gateway authorizer is attached.';
  acknowledge(method, 'AwsSolutions-APIG4', reason);
  acknowledge(method, 'AwsSolutions-COG4', reason);
}

/** The issuer's discovery document and keys are public by nature: STS fetches them without credentials. */
function acknowledgePublicDiscovery(method: Method): void {
  const reason =
    "OIDC discovery (openid-configuration, jwks.json) must be readable without credentials: STS fetches it to verify the function's own tokens. It holds only the issuer URL and public keys.";
  acknowledge(method, 'AwsSolutions-APIG4', reason);
  acknowledge(method, 'AwsSolutions-COG4', reason);
}
