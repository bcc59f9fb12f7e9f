// What a GraphQL document railclone sends looks like (name, kind, idempotence), how the resource
// modules declare theirs, and the selection fragments several of them share.
export interface Operation {
  /** The operation name inside the document; also sent as `operationName`. */
  name: string;
  kind: 'query' | 'mutation';
  document: string;
  /**
   * Safe to send twice. Queries are; so are deletes, upserts and the commit of the same patch.
   * A non-idempotent mutation (a create) is never blindly re-sent after a timeout: the client
   * first looks up whether it already happened.
   */
  idempotent: boolean;
}

export function query(name: string, document: string): Operation {
  return { name, kind: 'query', document: document.trim(), idempotent: true };
}

export function mutation(name: string, document: string, opts: { idempotent: boolean }): Operation {
  return { name, kind: 'mutation', document: document.trim(), idempotent: opts.idempotent };
}

/** Railway's page size for connections (the official CLI uses 500 too). */
export const PAGE_SIZE = 500;

// ---- fragments kept as plain strings so every document stays self-contained and readable ----

export const ENVIRONMENT_SUMMARY = `
        id
        name
        projectId
        isEphemeral
        createdAt
        updatedAt
        unmergedChangesCount
        sourceEnvironment { id name }`;

export const DEPLOYMENT = `
          id
          status
          serviceId
          environmentId
          createdAt`;

export const DOMAIN = `id domain targetPort`;
