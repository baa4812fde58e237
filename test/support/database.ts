/** What the e2e tests share to read the stack's Postgres directly, not through the endpoints the workers use. */
import pg from "pg";

/** One query on a connection of its own (opened and closed around it). */
export async function queryDatabase<R extends pg.QueryResultRow>(databaseUrl: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}
