/** Types for dynalite 4 (it ships none): the factory returns a plain Node.js HTTP(S) server. */
declare module 'dynalite' {
  import type { Server } from 'node:http';

  /** Options of the dynalite server factory. */
  interface DynaliteOptions {
    /** Milliseconds a table stays CREATING (default 500). */
    createTableMs?: number;
    /** Milliseconds a table stays DELETING (default 500). */
    deleteTableMs?: number;
    /** Milliseconds a table stays UPDATING (default 500). */
    updateTableMs?: number;
    /** Maximum item size in KB (default 400). */
    maxItemSizeKb?: number;
    /** LevelDB directory; in memory when absent. */
    path?: string;
    ssl?: boolean;
    verbose?: boolean;
    debug?: boolean;
  }

  function dynalite(options?: DynaliteOptions): Server;
  export = dynalite;
}
