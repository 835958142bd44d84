/** The Lambda entry point: configuration and adapters built once per container, one call into the API per event. */
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { composeApp } from './compose';
import { loadConfig } from './config';

const logger = new Logger({ serviceName: 'credvend' });
// A bad configuration throws here, so the deployment fails at init rather than on a caller's request.
const app = composeApp(loadConfig(process.env), { audit: logger });

/** API Gateway (REST, proxy integration) handler. */
export async function handler(
  event: APIGatewayProxyEvent,
  context?: Context,
): Promise<APIGatewayProxyResult> {
  if (context !== undefined) logger.addContext(context);
  return app.handle(event);
}
