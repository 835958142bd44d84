/** Reading tenants for people and scripts: one record, or a page of them with an opaque cursor. */
import type { TenantRecordRules } from '../lambda/core/tenant-record';
import { checkTenantRecord } from '../lambda/core/tenant-record';
import { decodeCursor, encodeCursor, parseLimit } from './admin-input';
import { NotFoundError } from './errors';
import type { TenantEntry } from './tenant-admin';
import { type TenantItem, versionOf } from './tenant-item';
import type { TenantTable } from './tenant-table';

/** Reads tenants and says of each whether the function would accept it. */
export class TenantListing {
  constructor(
    private readonly table: TenantTable,
    private readonly rules: TenantRecordRules,
  ) {}

  /** The tenant's record (strongly consistent); `NotFoundError` when there is none. */
  async get(tenantId: string): Promise<TenantEntry> {
    const item = await this.table.get(tenantId);
    if (item === undefined)
      throw new NotFoundError(`there is no tenant ${tenantId} in this deployment's table`);
    return this.entry(item);
  }

  /** Up to `limit` tenants from `cursor` on, sorted by id within the page, and the next page's cursor. */
  async list(options: {
    limit?: number;
    cursor?: string;
  }): Promise<{ tenants: TenantEntry[]; cursor?: string }> {
    const limit = parseLimit(options.limit);
    const startKey = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const page = await this.table.scan(limit, startKey);
    const tenants = page.items
      .map((item) => this.entry(item))
      .sort((a, b) => a.tenantId.localeCompare(b.tenantId));
    return { tenants, ...(page.lastKey !== undefined && { cursor: encodeCursor(page.lastKey) }) };
  }

  private entry(item: TenantItem): TenantEntry {
    const tenantId = String(item.tenantId);
    const check = checkTenantRecord(item, tenantId, this.rules);
    return { tenantId, version: versionOf(item), record: item, problems: check.ok ? [] : check.problems };
  }
}
