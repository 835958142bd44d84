/** The one structured audit event per request: who asked for what, and what they got. Never a secret. */
import type { Grant, IssuedCredentials, Principal, SessionPlan } from '../core/model';
import type { ErrorOutcome } from './error-response';

/** The logger the audit event goes to (Powertools' `Logger` in production). */
export interface AuditSink {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/** `bucket/prefix:read,list` for each grant: enough to audit, short enough to log. */
export function scopeSummary(scope: readonly Grant[]): string[] {
  return scope.map((g) => `${g.bucket}/${g.prefix}:${g.access.join(',')}`);
}

/** What a request found out, gathered as it runs and written once at its end. */
export class AuditRecord {
  private principal?: Principal;
  private plan?: SessionPlan;
  private credentials?: IssuedCredentials;

  constructor(
    private readonly requestId: string,
    private readonly route: string,
    private readonly startedAt: number,
  ) {}

  authenticated(principal: Principal): void {
    this.principal = principal;
  }

  planned(plan: SessionPlan): void {
    this.plan = plan;
  }

  issued(credentials: IssuedCredentials): void {
    this.credentials = credentials;
  }

  /** Writes the event: `info` for success, `warn` for a refusal (4xx), `error` for a failure (5xx). */
  write(sink: AuditSink, now: number, outcome?: ErrorOutcome, cause?: unknown): void {
    const event: Record<string, unknown> = {
      audit: 'credvend.request',
      requestId: this.requestId,
      route: this.route,
      outcome: outcome === undefined ? 'success' : outcome.status < 500 ? 'refused' : 'failed',
      latencyMs: now - this.startedAt,
      ...(this.principal && {
        tenantId: this.principal.tenantId,
        subject: this.principal.subject,
        mfa: this.principal.mfa,
      }),
      ...(this.plan && {
        roleArn: this.plan.roleArn,
        region: this.plan.region,
        durationSeconds: this.plan.durationSeconds,
        scope: scopeSummary(this.plan.scope),
        sourceIdentity: this.plan.sourceIdentity,
        roleSessionName: this.plan.roleSessionName,
      }),
      ...(this.credentials && {
        accessKeyId: this.credentials.accessKeyId,
        expiration: this.credentials.expiration.toISOString(),
      }),
      ...(outcome && { errorCode: outcome.code, status: outcome.status, detail: outcome.detail }),
    };
    if (outcome === undefined) sink.info('credvend request', event);
    else if (outcome.status < 500) sink.warn('credvend request refused', event);
    else sink.error('credvend request failed', { ...event, errorName: errorName(cause) });
  }
}

/** The class name of an unexpected error, for operators; never its message, which could carry anything. */
function errorName(cause: unknown): string | undefined {
  return cause instanceof Error ? cause.name : typeof cause;
}
