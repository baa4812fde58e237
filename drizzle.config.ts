// drizzle-kit: `npm run db:generate` writes SQL migrations from db/schema into db/migrations
// (no database needed). The URL is used only by `drizzle-kit migrate`/`studio` against a local
// Postgres; real databases are migrated with the committed SQL, never with `push`.
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
  dbCredentials: {
    url: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
  },
  strict: true,
  verbose: true,
});
