/** Minimal typing of `express-pouchdb` 4 (the package ships none): only what `embedded-couchdb.ts` uses. */
declare module 'express-pouchdb' {
  import type { IncomingMessage, ServerResponse } from 'http';

  /** Parts of the CouchDB API to mount (see express-pouchdb's README, "modes"). */
  interface ExpressPouchDbOptions {
    /** `fullCouchDB` (default), `minimumForPouchDB` or `custom`. */
    mode?: 'fullCouchDB' | 'minimumForPouchDB' | 'custom';
    /** Parts to add to or remove from the mode, e.g. `include: ['routes/find']`. */
    overrideMode?: { include?: string[]; exclude?: string[] };
    /** Keep the server config in memory instead of `./config.json`. */
    inMemoryConfig?: boolean;
    /** Where the config file goes (full mode only). */
    configPath?: string;
    /** Where the log file goes (full mode only). */
    logPath?: string;
  }

  /** An express application: a Node HTTP request listener. */
  type ExpressPouchDbApp = (req: IncomingMessage, res: ServerResponse) => void;

  /** `pouchDb`: a PouchDB constructor (e.g. from `PouchDB.defaults`); express-pouchdb adds `allDbs` and other statics to it. */
  function expressPouchDB(pouchDb: new (name: string) => object, options?: ExpressPouchDbOptions): ExpressPouchDbApp;
  export = expressPouchDB;
}
