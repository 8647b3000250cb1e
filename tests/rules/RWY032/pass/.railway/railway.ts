import { defineRailway, postgres, project, ref, service } from "railway/iac";

export default defineRailway(() => {
  const db = postgres("Postgres");
  const api = service("api", { env: { DATABASE_URL: db.env.DATABASE_URL } });
  const jobs = service("jobs", { env: { DATABASE_URL: ref(db, "DATABASE_URL") } });
  const admin = service("admin", { env: { DATABASE_URL: "${{ Postgres.DATABASE_URL }}" } });
  return project("notes", { resources: [db, api, jobs, admin] });
});
