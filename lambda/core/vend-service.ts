/** The vend use case: from a verified principal and a parsed request to a plan, and from a plan to credentials. */
import { assertActive, authorize } from './authorize';
import { TenantNotFoundError } from './errors';
import type { IssuedCredentials, Principal, SessionPlan, Tenant, VendRequest } from './model';
import type { CredentialIssuer, TenantStore } from './ports';
import { planSession } from './session-plan';

/** Deployment settings the vend path needs. */
export interface VendSettings {
  /** The tenant access role assumed for tenants without their own `roleArn`. */
  readonly defaultRoleArn: string;
  /** Regions this deployment issues credentials in. */
  readonly allowedRegions: readonly string[];
}

/** Orchestrates tenant lookup, authorization, planning and issuing; no I/O of its own. */
export class VendService {
  constructor(
    private readonly tenants: TenantStore,
    private readonly issuer: CredentialIssuer,
    private readonly settings: VendSettings,
  ) {}

  /** The caller's tenant, active; refuses unknown and suspended tenants. */
  async activeTenant(principal: Principal): Promise<Tenant> {
    const tenant = await this.tenants.getTenant(principal.tenantId);
    if (tenant === undefined) {
      throw new TenantNotFoundError(`Tenant ${principal.tenantId} is not registered with this service.`);
    }
    assertActive(tenant);
    return tenant;
  }

  /** Plans the session a request would get, without calling STS (the dry run, and the first half of a vend). */
  async plan(principal: Principal, request: VendRequest, requestId: string): Promise<SessionPlan> {
    const tenant = await this.activeTenant(principal);
    const authorization = authorize(tenant, request, this.settings.allowedRegions);
    return planSession(
      { principal, tenant, requestId, defaultRoleArn: this.settings.defaultRoleArn },
      authorization,
    );
  }

  /** Issues credentials for a plan made by `plan`. */
  issue(plan: SessionPlan): Promise<IssuedCredentials> {
    return this.issuer.issue(plan);
  }
}
